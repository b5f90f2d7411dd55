namespace Overfit.Data.Sources;

/// <summary>Where a data root comes from; decides its place in the lookup order and how it is described.</summary>
public enum DataRootKind
{
    /// <summary>A directory given explicitly (an option or a constructor argument).</summary>
    Explicit,
    /// <summary>The OVERFIT_DATA environment variable.</summary>
    Environment,
    /// <summary>The per-user cache ($XDG_CACHE_HOME/overfit or ~/.cache/overfit), where downloads go.</summary>
    UserCache,
    /// <summary>A system-wide directory such as Debian's /usr/share/datasets.</summary>
    System,
}

/// <summary>A directory under which datasets are looked for, as &lt;root&gt;/&lt;dataset folder&gt;.</summary>
public sealed record DataRoot(string Path, DataRootKind Kind)
{
    /// <summary>A one-line description of the root for messages, e.g. "user cache /home/u/.cache/overfit".</summary>
    public string Describe() => Kind switch
    {
        DataRootKind.Explicit => $"explicit directory {Path}",
        DataRootKind.Environment => $"OVERFIT_DATA={Path}",
        DataRootKind.UserCache => $"user cache {Path}",
        _ => $"system directory {Path}",
    };
}

/// <summary>One place looked at and what was there; <paramref name="Corrupt"/>: every file was present but one failed verification.</summary>
public sealed record LookupAttempt(DataRoot Root, string Directory, bool Found, string Detail, bool Corrupt = false);

/// <summary>The outcome of a lookup: the directory holding every file of the dataset, or every place tried and why it failed.</summary>
public sealed record LocateResult(DatasetInfo Dataset, string? Directory, IReadOnlyList<LookupAttempt> Attempts)
{
    /// <summary>True when every file of the dataset was found in one directory.</summary>
    public bool Found => Directory is not null;

    /// <summary>Copies that were skipped because a file failed its checksum (worth a warning even when another copy was found).</summary>
    public IEnumerable<LookupAttempt> CorruptCopies => Attempts.Where(a => a.Corrupt);
}

/// <summary>
/// Finds datasets on disk in a fixed order: explicit directory, OVERFIT_DATA, the user cache, then system
/// directories (Debian's /usr/share/datasets). Roots are injectable so tests never depend on the machine.
/// </summary>
public sealed class DataLocator
{
    /// <summary>Environment variable naming a data root.</summary>
    public const string EnvironmentVariable = "OVERFIT_DATA";
    /// <summary>Debian's root for dataset packages.</summary>
    public const string DebianDatasetsRoot = "/usr/share/datasets";

    /// <summary>A locator over <paramref name="roots"/> (sorted into lookup order) with downloads going to <paramref name="cacheRoot"/>.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="roots"/> is null.</exception>
    public DataLocator(IEnumerable<DataRoot> roots, string? cacheRoot)
    {
        ArgumentNullException.ThrowIfNull(roots);
        Roots = roots.OrderBy(r => r.Kind).ToArray();
        CacheRoot = cacheRoot;
    }

    /// <summary>Every root, in lookup order.</summary>
    public IReadOnlyList<DataRoot> Roots { get; }

    /// <summary>Where downloads are written (null: downloading is impossible).</summary>
    public string? CacheRoot { get; }

    /// <summary>The lookup order of this machine: <paramref name="explicitDirectory"/>, OVERFIT_DATA, the user cache, /usr/share/datasets.</summary>
    public static DataLocator CreateDefault(string? explicitDirectory = null)
    {
        var roots = new List<DataRoot>();
        if (!string.IsNullOrWhiteSpace(explicitDirectory)) roots.Add(new DataRoot(Path.GetFullPath(explicitDirectory), DataRootKind.Explicit));
        string? fromEnvironment = System.Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(fromEnvironment)) roots.Add(new DataRoot(Path.GetFullPath(fromEnvironment), DataRootKind.Environment));
        string? cache = DefaultCacheRoot();
        if (cache is not null) roots.Add(new DataRoot(cache, DataRootKind.UserCache));
        roots.Add(new DataRoot(DebianDatasetsRoot, DataRootKind.System));
        return new DataLocator(roots, cache);
    }

    /// <summary>$XDG_CACHE_HOME/overfit, else ~/.cache/overfit (null when there is no home directory).</summary>
    public static string? DefaultCacheRoot()
    {
        string? xdg = System.Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
        if (!string.IsNullOrWhiteSpace(xdg) && Path.IsPathRooted(xdg)) return Path.Combine(xdg, "overfit");
        string home = System.Environment.GetFolderPath(System.Environment.SpecialFolder.UserProfile);
        return string.IsNullOrEmpty(home) ? null : Path.Combine(home, ".cache", "overfit");
    }

    /// <summary>The cache folder a download of <paramref name="dataset"/> goes to.</summary>
    public string? CacheDirectory(DatasetInfo dataset) => CacheRoot is null ? null : Path.Combine(CacheRoot, dataset.DirectoryName);

    /// <summary>
    /// Looks in every root, in order, for a folder holding all of the dataset's files that pass
    /// <see cref="DatasetVerifier"/> (md5); a copy with a truncated or modified file is skipped (recorded as a corrupt
    /// attempt) so that it never hides a good copy further down. Files verified before and unchanged since (same
    /// length and modification time, as recorded in the cache) are not hashed again. <paramref name="verify"/> false
    /// checks existence only.
    /// </summary>
    public LocateResult Locate(DatasetInfo dataset, bool verify = true)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        var attempts = new List<LookupAttempt>();
        VerificationRecord? record = null;
        foreach (var root in Roots)
        {
            var candidates = new List<string> { Path.Combine(root.Path, dataset.DirectoryName) };
            // An explicit directory may also be the dataset folder itself.
            if (root.Kind is DataRootKind.Explicit or DataRootKind.Environment) candidates.Add(root.Path);
            foreach (string directory in candidates)
            {
                string? missing = FirstMissingFile(dataset, directory);
                bool found = missing is null;
                string detail = !System.IO.Directory.Exists(directory) ? "no such directory"
                    : found ? "all files present" : $"missing {missing}";
                FileCheck? failed = found && verify ? Verify(dataset, directory, ref record) : null;
                if (failed is not null)
                {
                    attempts.Add(new LookupAttempt(root, directory, false, $"corrupt copy skipped: {failed.Name}: {failed.Detail}", Corrupt: true));
                    continue;
                }
                if (found && verify) detail = "all files present and verified";
                attempts.Add(new LookupAttempt(root, directory, found, detail));
                if (found) return new LocateResult(dataset, directory, attempts);
            }
        }
        return new LocateResult(dataset, null, attempts);
    }

    /// <summary>
    /// The first file of the copy in <paramref name="directory"/> that fails its check, or null. Files the cache's
    /// <see cref="VerificationRecord"/> holds as verified and unchanged are trusted; a copy that passes is recorded.
    /// </summary>
    private FileCheck? Verify(DatasetInfo dataset, string directory, ref VerificationRecord? record)
    {
        if (CacheRoot is not null) record ??= VerificationRecord.Open(CacheRoot);
        if (record is not null && record.Holds(dataset, directory)) return null;
        var failed = DatasetVerifier.Verify(dataset, directory).FirstOrDefault(c => !c.Ok);
        if (failed is null) record?.Add(dataset, directory);
        return failed;
    }

    /// <summary>The path of <paramref name="file"/> in <paramref name="directory"/>: the name as listed, or for a .gz name the decompressed file.</summary>
    public static string? ResolveFile(string directory, DatasetFile file)
    {
        string path = Path.Combine(directory, file.Name);
        if (File.Exists(path)) return path;
        if (file.Name.EndsWith(".gz", StringComparison.Ordinal))
        {
            string raw = path[..^3];
            if (File.Exists(raw)) return raw;
        }
        return null;
    }

    private static string? FirstMissingFile(DatasetInfo dataset, string directory)
    {
        if (!System.IO.Directory.Exists(directory)) return dataset.Files[0].Name;
        foreach (var file in dataset.Files)
            if (ResolveFile(directory, file) is null) return file.Name;
        return null;
    }
}
