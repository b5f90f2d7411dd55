using System.Buffers.Binary;
using System.IO.Compression;

namespace Overfit.Data.Readers;

/// <summary>Images of one IDX file: <see cref="Count"/> images of <see cref="Rows"/> x <see cref="Columns"/> bytes, row-major.</summary>
public sealed record IdxImages(byte[] Pixels, int Count, int Rows, int Columns);

/// <summary>
/// Reads the IDX files of MNIST and Fashion-MNIST (big-endian int32 header, then unsigned bytes), gzip
/// compressed or raw (told apart by the gzip magic bytes, not by the file name). Every structural
/// problem (wrong magic, truncated data, trailing bytes, count mismatch) is an
/// <see cref="InvalidDataException"/> whose message names the file.
/// </summary>
public static class IdxReader
{
    /// <summary>Magic number 2051 of an IDX images file.</summary>
    public const int ImagesMagic = 0x00000803;
    /// <summary>Magic number 2049 of an IDX labels file.</summary>
    public const int LabelsMagic = 0x00000801;

    /// <summary>Reads an images file (magic 2051). <paramref name="expectedCount"/>, when given, must match the header.</summary>
    public static IdxImages ReadImages(string path, int? expectedCount = null)
    {
        byte[] data = ReadAllDecompressed(path);
        RequireHeader(path, data, 16, ImagesMagic, "images");
        int count = BinaryPrimitives.ReadInt32BigEndian(data.AsSpan(4));
        int rows = BinaryPrimitives.ReadInt32BigEndian(data.AsSpan(8));
        int columns = BinaryPrimitives.ReadInt32BigEndian(data.AsSpan(12));
        if (count < 0 || rows <= 0 || columns <= 0)
            throw new InvalidDataException($"IDX file '{path}': header says {count} images of {rows}x{columns}; expected a non-negative count and positive sizes");
        CheckCount(path, count, expectedCount, "images");
        long expectedLength = 16 + (long)count * rows * columns;
        CheckLength(path, data.Length, expectedLength, $"{count} images of {rows}x{columns}");
        var pixels = new byte[expectedLength - 16];
        data.AsSpan(16).CopyTo(pixels);
        return new IdxImages(pixels, count, rows, columns);
    }

    /// <summary>Reads a labels file (magic 2049). Labels must be below <paramref name="classCount"/> when it is given.</summary>
    public static byte[] ReadLabels(string path, int? expectedCount = null, int? classCount = null)
    {
        byte[] data = ReadAllDecompressed(path);
        RequireHeader(path, data, 8, LabelsMagic, "labels");
        int count = BinaryPrimitives.ReadInt32BigEndian(data.AsSpan(4));
        if (count < 0) throw new InvalidDataException($"IDX file '{path}': header says {count} labels; expected a non-negative count");
        CheckCount(path, count, expectedCount, "labels");
        CheckLength(path, data.Length, 8L + count, $"{count} labels");
        byte[] labels = data.AsSpan(8).ToArray();
        if (classCount is int classes)
        {
            int bad = labels.AsSpan().IndexOfAnyInRange((byte)Math.Min(classes, 255), (byte)255);
            if (bad >= 0) throw new InvalidDataException($"IDX file '{path}': label {labels[bad]} at index {bad} is not a class index; expected 0..{classes - 1}");
        }
        return labels;
    }

    /// <summary>The whole decompressed content (gzip detected by its magic bytes 1f 8b).</summary>
    public static byte[] ReadAllDecompressed(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path)) throw new FileNotFoundException($"IDX file '{path}' does not exist", path);
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        Span<byte> head = stackalloc byte[2];
        int got = file.ReadAtLeast(head, 2, throwOnEndOfStream: false);
        file.Position = 0;
        if (got < 2 || head[0] != 0x1f || head[1] != 0x8b)
        {
            var raw = new byte[file.Length];
            file.ReadExactly(raw);
            return raw;
        }
        try
        {
            using var gzip = new GZipStream(file, CompressionMode.Decompress);
            // The uncompressed size (mod 2^32) sits in the last four bytes of a gzip member; use it as a
            // capacity hint so the 47 MB training images are decompressed without repeated regrowth.
            using var output = new MemoryStream(CapacityHint(path));
            gzip.CopyTo(output, 1 << 16);
            return output.Length == output.Capacity ? output.GetBuffer() : output.ToArray();
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"IDX file '{path}': the gzip stream is corrupt or truncated ({e.Message})", e);
        }
    }

    private static int CapacityHint(string path)
    {
        var info = new FileInfo(path);
        if (info.Length < 18) return 0;
        using var file = File.OpenRead(path);
        file.Seek(-4, SeekOrigin.End);
        Span<byte> tail = stackalloc byte[4];
        file.ReadExactly(tail);
        uint size = BinaryPrimitives.ReadUInt32LittleEndian(tail);
        return size is > 0 and < 1u << 30 ? (int)size : 0;
    }

    private static void RequireHeader(string path, byte[] data, int headerLength, int magic, string kind)
    {
        if (data.Length < 4)
            throw new InvalidDataException($"IDX file '{path}' is truncated: {data.Length} bytes, expected at least a {headerLength}-byte {kind} header");
        int found = BinaryPrimitives.ReadInt32BigEndian(data);
        if (found != magic)
            throw new InvalidDataException($"IDX file '{path}' has the wrong magic number: expected {magic} (0x{magic:X8}, {kind}), got {found} (0x{found:X8})");
        if (data.Length < headerLength)
            throw new InvalidDataException($"IDX file '{path}' is truncated: {data.Length} bytes, expected at least a {headerLength}-byte {kind} header");
    }

    private static void CheckCount(string path, int count, int? expected, string kind)
    {
        if (expected is int e && e != count)
            throw new InvalidDataException($"IDX file '{path}': count mismatch, expected {e} {kind}, the header says {count}");
    }

    private static void CheckLength(string path, long actual, long expected, string what)
    {
        if (actual < expected)
            throw new InvalidDataException($"IDX file '{path}' is truncated: {actual} bytes of data, expected {expected} for {what}");
        if (actual > expected)
            throw new InvalidDataException($"IDX file '{path}' has {actual - expected} trailing bytes: {actual} bytes, expected {expected} for {what}");
    }
}
