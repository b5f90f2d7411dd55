using System.Formats.Tar;
using System.IO.Compression;

namespace Overfit.Data.Sources;

/// <summary>
/// Gets a dataset onto disk: finds it with a <see cref="DataLocator"/>, and when it is nowhere, downloads
/// it into the locator's cache (md5-verified, atomically renamed). With downloading disabled, or when the
/// download fails, it throws a <see cref="DataNotFoundException"/> listing every place it looked.
/// </summary>
public sealed partial class DatasetStore
{
    private readonly HttpClient? _client;

    /// <summary>A store that finds datasets with <paramref name="locator"/> and downloads missing ones when <paramref name="allowDownload"/>.</summary>
    /// <param name="locator">Where to look and where downloads go.</param>
    /// <param name="allowDownload">Download a dataset that is nowhere on disk.</param>
    /// <param name="client">HTTP client to download with (null: a new one).</param>
    /// <param name="progress">Receives download progress.</param>
    /// <exception cref="ArgumentNullException"><paramref name="locator"/> is null.</exception>
    public DatasetStore(DataLocator locator, bool allowDownload = true, HttpClient? client = null, IProgress<DownloadProgress>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(locator);
        Locator = locator;
        AllowDownload = allowDownload;
        _client = client;
        Progress = progress;
    }

    /// <summary>Where datasets are looked for.</summary>
    public DataLocator Locator { get; }

    /// <summary>Whether missing datasets are downloaded.</summary>
    public bool AllowDownload { get; }

    /// <summary>Receives download progress, or null.</summary>
    public IProgress<DownloadProgress>? Progress { get; }

    /// <summary>The folder holding the dataset's verified files, downloading them first when allowed and needed.</summary>
    public string Ensure(DatasetInfo dataset, CancellationToken cancellation = default) => Ensure(dataset, repairCache: false, cancellation);

    /// <summary>
    /// <see cref="Ensure(DatasetInfo, CancellationToken)"/>; with <paramref name="repairCache"/>, a corrupt copy in the
    /// user cache is downloaded again (replaced file by file) even when a good copy was found elsewhere.
    /// </summary>
    public string Ensure(DatasetInfo dataset, bool repairCache, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        LocateResult lookup = Locator.Locate(dataset);
        string? target = Locator.CacheDirectory(dataset);
        bool cacheCorrupt = lookup.CorruptCopies.Any(a => a.Directory == target);
        if (lookup.Found && !(repairCache && cacheCorrupt && AllowDownload)) return lookup.Directory!;
        if (!AllowDownload) throw new DataNotFoundException(lookup);
        if (target is null) throw new DataNotFoundException(lookup, "no user cache directory to download into (set XDG_CACHE_HOME or HOME)");
        try
        {
            DownloadAsync(dataset, target, cancellation).GetAwaiter().GetResult();
        }
        catch (Exception e) when (e is HttpRequestException or InvalidDataException or IOException or TaskCanceledException or UnauthorizedAccessException)
        {
            if (lookup.Found) return lookup.Directory!; // the repair failed, but a verified copy exists elsewhere
            throw new DataNotFoundException(lookup, e.Message);
        }
        return target;
    }

    /// <summary>
    /// Downloads every file of <paramref name="dataset"/> into <paramref name="target"/> (archives are
    /// verified, then extracted, then deleted). On any failure the files this call wrote are removed, and the
    /// folder too when it was created by this call.
    /// </summary>
    public async Task DownloadAsync(DatasetInfo dataset, string target, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(target);
        bool createdFolder = !Directory.Exists(target);
        var written = new List<string>();
        using var ownClient = _client is null ? new HttpClient { Timeout = TimeSpan.FromMinutes(30) } : null;
        var downloader = new Downloader(_client ?? ownClient!, Progress);
        var baseUri = new Uri(dataset.BaseUrl.EndsWith('/') ? dataset.BaseUrl : dataset.BaseUrl + "/");
        try
        {
            if (dataset.Archive is null)
            {
                foreach (var file in dataset.Files)
                {
                    if (DataLocator.ResolveFile(target, file) is not null && DatasetVerifier.VerifyFile(target, file).Ok) continue;
                    string destination = Path.Combine(target, file.Name);
                    string md5 = file.Md5 ?? throw new InvalidDataException($"no md5 is known for {file.Name}; refusing to download it unverified");
                    await downloader.DownloadAsync(new Uri(baseUri, file.Name), destination, md5, cancellation).ConfigureAwait(false);
                    written.Add(destination);
                }
            }
            else
            {
                string archive = Path.Combine(target, dataset.Archive.Name);
                await downloader.DownloadAsync(new Uri(baseUri, dataset.Archive.Name), archive, dataset.Archive.Md5!, cancellation).ConfigureAwait(false);
                written.Add(archive);
                written.AddRange(ExtractArchive(archive, target));
                File.Delete(archive);
            }
        }
        catch
        {
            foreach (string path in written)
                if (File.Exists(path)) File.Delete(path);
            if (createdFolder && Directory.Exists(target)) Directory.Delete(target, recursive: true);
            throw;
        }
    }

    /// <summary>Extracts a .tar.gz into a temporary folder inside <paramref name="target"/>, then moves each file into place.</summary>
    private static List<string> ExtractArchive(string archive, string target)
    {
        string staging = Path.Combine(target, $".extract-{Guid.NewGuid():N}");
        var moved = new List<string>();
        try
        {
            Directory.CreateDirectory(staging);
            using (var file = File.OpenRead(archive))
            using (var gzip = new GZipStream(file, CompressionMode.Decompress))
                TarFile.ExtractToDirectory(gzip, staging, overwriteFiles: true);
            foreach (string path in Directory.EnumerateFiles(staging, "*", SearchOption.AllDirectories))
            {
                string destination = Path.Combine(target, Path.GetRelativePath(staging, path));
                Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
                File.Move(path, destination, overwrite: true);
                moved.Add(destination);
            }
            return moved;
        }
        finally
        {
            if (Directory.Exists(staging)) Directory.Delete(staging, recursive: true);
        }
    }
}
