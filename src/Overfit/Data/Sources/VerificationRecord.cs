using System.Globalization;
using System.Text.Json;

namespace Overfit.Data.Sources;

/// <summary>
/// Remembers, in the user cache, which dataset files passed their md5 check, keyed by full path with the file's length,
/// modification time and the checksum it was held to. A lookup trusts a file whose three still match and verifies
/// anything else, so a dataset is hashed once rather than on every run (hashing Fashion-MNIST means decompressing 55 MB),
/// while a replaced, rewritten or re-catalogued file is checked again. <c>overfit data check</c> always hashes.
/// The record is rewritten whole through a temporary file and a rename, so concurrent processes never read half of it;
/// when the cache cannot be written, lookups simply verify every time.
/// </summary>
internal sealed class VerificationRecord
{
    private const string FileName = "verified.json";
    private readonly string _path;
    private readonly Dictionary<string, string> _entries;

    private VerificationRecord(string path, Dictionary<string, string> entries) => (_path, _entries) = (path, entries);

    /// <summary>The record under <paramref name="cacheRoot"/>; empty when the file is missing or unreadable.</summary>
    public static VerificationRecord Open(string cacheRoot)
    {
        string path = Path.Combine(cacheRoot, FileName);
        try
        {
            if (File.Exists(path))
                return new VerificationRecord(path, JsonSerializer.Deserialize<Dictionary<string, string>>(File.ReadAllText(path)) ?? []);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException) { }
        return new VerificationRecord(path, []);
    }

    /// <summary>True when every file of <paramref name="dataset"/> in <paramref name="directory"/> is recorded as verified and unchanged since.</summary>
    public bool Holds(DatasetInfo dataset, string directory) => dataset.Files.All(file =>
        Stamp(directory, file) is var (path, stamp) && _entries.TryGetValue(path, out var recorded) && recorded == stamp);

    /// <summary>Records every file of <paramref name="dataset"/> in <paramref name="directory"/> as verified (best effort).</summary>
    public void Add(DatasetInfo dataset, string directory)
    {
        foreach (var file in dataset.Files)
            if (Stamp(directory, file) is var (path, stamp)) _entries[path] = stamp;
        // Copies that were deleted (temporary folders, moved caches) leave the record, so it does not grow without bound.
        foreach (string gone in _entries.Keys.Where(p => !File.Exists(p)).ToArray()) _entries.Remove(gone);
        string temp = $"{_path}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp";
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(_path)!);
            File.WriteAllText(temp, JsonSerializer.Serialize(_entries));
            File.Move(temp, _path, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            try { File.Delete(temp); } catch (Exception d) when (d is IOException or UnauthorizedAccessException) { }
        }
    }

    /// <summary>(full path, "length;modified ticks;checksum") of the file, or null when it is missing or has no checksum to trust.</summary>
    private static (string Path, string Stamp)? Stamp(string directory, DatasetFile file)
    {
        string? checksum = file.ContentMd5 ?? file.Md5;
        string? path = DataLocator.ResolveFile(directory, file);
        if (checksum is null || path is null) return null;
        var info = new FileInfo(path);
        return (info.FullName, string.Create(CultureInfo.InvariantCulture, $"{info.Length};{info.LastWriteTimeUtc.Ticks};{checksum}"));
    }
}
