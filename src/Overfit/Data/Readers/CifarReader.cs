namespace Overfit.Data.Readers;

/// <summary>
/// Records of CIFAR binary files: <see cref="Count"/> 3x32x32 images stored channel-major (1024 R, 1024 G,
/// 1024 B, each 32x32 row-major), fine labels, and for CIFAR-100 the coarse (superclass) labels.
/// </summary>
public sealed record CifarRecords(byte[] Pixels, int Count, byte[] Labels, byte[]? CoarseLabels)
{
    /// <summary>Image geometry: 3 channels of 32×32 pixels, 3,072 bytes per image.</summary>
    public const int Channels = 3, Height = 32, Width = 32, ImageBytes = Channels * Height * Width;
}

/// <summary>
/// Reads the CIFAR-10 and CIFAR-100 binary formats. CIFAR-10 records are 1 label byte + 3,072 pixel
/// bytes (10 classes); CIFAR-100 records are coarse label, fine label, then the same 3,072 pixel bytes
/// (20 coarse and 100 fine classes). A file whose size is not a whole number of records, whose record
/// count differs from the expected one or whose labels are out of range is an
/// <see cref="InvalidDataException"/> that names the file.
/// </summary>
public static class CifarReader
{
    /// <summary>Bytes per CIFAR-10 record: 1 label byte and 3,072 pixel bytes.</summary>
    public const int Cifar10RecordBytes = 1 + CifarRecords.ImageBytes;
    /// <summary>Bytes per CIFAR-100 record: coarse and fine label bytes and 3,072 pixel bytes.</summary>
    public const int Cifar100RecordBytes = 2 + CifarRecords.ImageBytes;

    /// <summary>Reads and concatenates CIFAR-10 batch files (e.g. data_batch_1.bin .. data_batch_5.bin, 10,000 records each).</summary>
    public static CifarRecords ReadCifar10(IReadOnlyList<string> paths, int? expectedCountPerFile = null)
    {
        ArgumentNullException.ThrowIfNull(paths);
        if (paths.Count == 0) throw new ArgumentException("paths must name at least one CIFAR-10 batch file, got none", nameof(paths));
        var files = paths.Select(p => ReadRecords(p, Cifar10RecordBytes, expectedCountPerFile, "CIFAR-10")).ToArray();
        int count = files.Sum(f => f.Length / Cifar10RecordBytes);
        var pixels = new byte[(long)count * CifarRecords.ImageBytes];
        var labels = new byte[count];
        int record = 0;
        for (int f = 0; f < files.Length; f++)
        {
            byte[] data = files[f];
            for (int offset = 0; offset < data.Length; offset += Cifar10RecordBytes, record++)
            {
                labels[record] = CheckLabel(paths[f], data[offset], 10, record, "label");
                data.AsSpan(offset + 1, CifarRecords.ImageBytes).CopyTo(pixels.AsSpan(record * CifarRecords.ImageBytes));
            }
        }
        return new CifarRecords(pixels, count, labels, null);
    }

    /// <summary>Reads a CIFAR-100 file (train.bin 50,000 or test.bin 10,000 records).</summary>
    public static CifarRecords ReadCifar100(string path, int? expectedCount = null)
    {
        byte[] data = ReadRecords(path, Cifar100RecordBytes, expectedCount, "CIFAR-100");
        int count = data.Length / Cifar100RecordBytes;
        var pixels = new byte[(long)count * CifarRecords.ImageBytes];
        var fine = new byte[count];
        var coarse = new byte[count];
        for (int record = 0, offset = 0; record < count; record++, offset += Cifar100RecordBytes)
        {
            coarse[record] = CheckLabel(path, data[offset], 20, record, "coarse label");
            fine[record] = CheckLabel(path, data[offset + 1], 100, record, "fine label");
            data.AsSpan(offset + 2, CifarRecords.ImageBytes).CopyTo(pixels.AsSpan(record * CifarRecords.ImageBytes));
        }
        return new CifarRecords(pixels, count, fine, coarse);
    }

    /// <summary>Reads a label-name file (batches.meta.txt, fine_label_names.txt, coarse_label_names.txt): one name per non-empty line.</summary>
    public static string[] ReadLabelNames(string path, int? expectedCount = null)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"CIFAR label-name file '{path}' does not exist", path);
        string[] names = File.ReadAllLines(path).Select(l => l.Trim()).Where(l => l.Length > 0).ToArray();
        if (expectedCount is int e && names.Length != e)
            throw new InvalidDataException($"CIFAR label-name file '{path}': count mismatch, expected {e} names, found {names.Length}");
        return names;
    }

    private static byte[] ReadRecords(string path, int recordBytes, int? expectedCount, string format)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path)) throw new FileNotFoundException($"{format} file '{path}' does not exist", path);
        long length = new FileInfo(path).Length;
        if (length == 0) throw new InvalidDataException($"{format} file '{path}' is empty; expected records of {recordBytes} bytes");
        if (length % recordBytes != 0)
            throw new InvalidDataException($"{format} file '{path}' is truncated or of the wrong format: {length} bytes is not a whole number of {recordBytes}-byte records ({length / recordBytes} records and {length % recordBytes} bytes left over)");
        long count = length / recordBytes;
        if (expectedCount is int e && count != e)
            throw new InvalidDataException($"{format} file '{path}': count mismatch, expected {e} records ({(long)e * recordBytes} bytes), found {count} ({length} bytes)");
        return File.ReadAllBytes(path);
    }

    private static byte CheckLabel(string path, byte label, int classes, int record, string what)
    {
        if (label >= classes)
            throw new InvalidDataException($"CIFAR file '{path}': {what} {label} of record {record} is out of range; expected 0..{classes - 1}");
        return label;
    }
}
