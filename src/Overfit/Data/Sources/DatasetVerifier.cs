using System.Security.Cryptography;
using Overfit.Data.Readers;

namespace Overfit.Data.Sources;

/// <summary>The verdict on one file of a dataset.</summary>
public sealed record FileCheck(string Name, string? Path, bool Ok, string Detail);

/// <summary>
/// Verifies a dataset folder file by file: md5 of the decompressed content where it is known (so Debian's
/// re-compressed Fashion-MNIST verifies as well as upstream's), else the md5 of the file as downloaded,
/// else its expected length.
/// </summary>
public static class DatasetVerifier
{
    /// <summary>Checks every file of <paramref name="dataset"/> in <paramref name="directory"/>.</summary>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    public static IReadOnlyList<FileCheck> Verify(DatasetInfo dataset, string directory)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(directory);
        var checks = new List<FileCheck>();
        foreach (var file in dataset.Files) checks.Add(VerifyFile(directory, file));
        return checks;
    }

    /// <summary>Checks one file: content md5, file md5 or length, whichever is known; a missing or unreadable file is a failed check.</summary>
    public static FileCheck VerifyFile(string directory, DatasetFile file)
    {
        string? path = DataLocator.ResolveFile(directory, file);
        if (path is null) return new FileCheck(file.Name, null, false, "missing");
        try
        {
            if (file.ContentMd5 is not null)
            {
                string got = Md5Hex(IdxReader.ReadAllDecompressed(path));
                return got == file.ContentMd5
                    ? new FileCheck(file.Name, path, true, $"md5 of content {got} matches")
                    : new FileCheck(file.Name, path, false, $"md5 of content is {got}, expected {file.ContentMd5}");
            }
            if (file.Md5 is not null && path.EndsWith(file.Name, StringComparison.Ordinal))
            {
                string got = Md5OfFile(path);
                return got == file.Md5
                    ? new FileCheck(file.Name, path, true, $"md5 {got} matches")
                    : new FileCheck(file.Name, path, false, $"md5 is {got}, expected {file.Md5}");
            }
            long length = new FileInfo(path).Length;
            if (file.Length is long expected)
                return length == expected
                    ? new FileCheck(file.Name, path, true, $"{length} bytes as expected")
                    : new FileCheck(file.Name, path, false, $"{length} bytes, expected {expected}");
            return length > 0
                ? new FileCheck(file.Name, path, true, $"present ({length} bytes; no checksum known for this file)")
                : new FileCheck(file.Name, path, false, "empty");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException)
        {
            return new FileCheck(file.Name, path, false, e.Message);
        }
    }

    /// <summary>Lower-case hex md5 of <paramref name="data"/>.</summary>
    public static string Md5Hex(ReadOnlySpan<byte> data) => Convert.ToHexStringLower(MD5.HashData(data));

    /// <summary>Lower-case hex md5 of the file at <paramref name="path"/>.</summary>
    public static string Md5OfFile(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(MD5.HashData(stream));
    }
}
