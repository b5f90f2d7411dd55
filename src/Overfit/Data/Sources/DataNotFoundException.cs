using System.Text;

namespace Overfit.Data.Sources;

/// <summary>A dataset is nowhere on disk and could not be downloaded; the message lists every place looked at and how to get the data.</summary>
public sealed class DataNotFoundException : Exception
{
    /// <summary>Builds the message from every attempt of <paramref name="lookup"/> and, when given, why the download failed.</summary>
    public DataNotFoundException(LocateResult lookup, string? downloadFailure = null)
        : base(BuildMessage(lookup, downloadFailure))
    {
        Lookup = lookup;
    }

    /// <summary>Where the dataset was looked for and what was found.</summary>
    public LocateResult Lookup { get; }

    private static string BuildMessage(LocateResult lookup, string? downloadFailure)
    {
        var d = lookup.Dataset;
        var text = new StringBuilder($"dataset {d.Name} was not found. Looked in:");
        foreach (var a in lookup.Attempts) text.Append($"\n  - {a.Directory} ({a.Root.Describe()}): {a.Detail}");
        if (lookup.Attempts.Count == 0) text.Append("\n  (no data directories configured)");
        if (downloadFailure is not null) text.Append($"\nDownload failed: {downloadFailure}");
        text.Append("\nTo get the data:");
        if (d.DebianPackage is not null) text.Append($"\n  - apt-get install {d.DebianPackage}   (installs it under {DataLocator.DebianDatasetsRoot}/{d.DirectoryName})");
        text.Append($"\n  - overfit data download {d.Name}   (downloads {d.BaseUrl} into the user cache, md5-verified)");
        string what = d.Archive is null ? $"put the files ({string.Join(", ", d.Files.Select(f => f.Name))}) in a folder"
            : $"extract {d.Archive.Name} ({d.BaseUrl}{d.Archive.Name}) into a folder";
        text.Append($"\n  - or {what} and pass it with --data-dir or {DataLocator.EnvironmentVariable}");
        return text.ToString();
    }
}
