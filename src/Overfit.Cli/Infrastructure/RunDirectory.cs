using System.Globalization;

namespace Overfit.Cli.Infrastructure;

/// <summary>Chooses and creates the folder a run writes into.</summary>
internal static class RunDirectory
{
    /// <summary>The first candidate for a run's default folder: <c>runs/&lt;yyyyMMdd-HHmmss&gt;-&lt;command&gt;</c> under the current folder.</summary>
    public static string DefaultPath(string commandName, DateTime utcNow)
    {
        var stamp = utcNow.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture);
        return Path.Combine("runs", $"{stamp}-{Slug(commandName)}");
    }

    /// <summary>
    /// Creates and locks the run folder: <paramref name="requested"/> when given (a second run on the same folder is
    /// refused while this one holds it), else a fresh default folder. The default is claimed atomically: a locked
    /// staging folder is renamed onto the name, and a rename onto a folder another run created in the same second fails,
    /// so that run gets the next suffix (-2, -3, ...) instead of sharing the folder. Dispose releases the lock.
    /// The default folder is under <paramref name="baseDirectory"/> (the current folder when null).
    /// </summary>
    public static RunFolder Create(string? requested, string commandName, DateTime utcNow, string? baseDirectory = null)
    {
        if (!string.IsNullOrWhiteSpace(requested))
        {
            if (File.Exists(requested))
                throw new IOException($"--out: expected a directory, got the existing file '{requested}'");
            bool existed = Directory.Exists(requested);
            var full = Directory.CreateDirectory(requested).FullName;
            return new RunFolder(full, RunLock.Acquire(full), createdByThisRun: !existed);
        }
        var basePath = Path.GetFullPath(Path.Combine(baseDirectory ?? Directory.GetCurrentDirectory(), DefaultPath(commandName, utcNow)));
        var parent = Directory.CreateDirectory(Path.GetDirectoryName(basePath)!).FullName;
        var staging = Directory.CreateDirectory(Path.Combine(parent, $".staging-{Guid.NewGuid():N}")).FullName;
        var stagingLock = RunLock.Acquire(staging);
        try
        {
            for (int suffix = 1; ; suffix++)
            {
                var path = suffix == 1 ? basePath : $"{basePath}-{suffix}";
                if (Directory.Exists(path)) continue;
                try { Directory.Move(staging, path); }
                catch (IOException) when (Directory.Exists(path)) { continue; } // another run took the name first
                return new RunFolder(path, stagingLock.MovedTo(path), createdByThisRun: true);
            }
        }
        catch
        {
            stagingLock.Dispose();
            if (Directory.Exists(staging)) Directory.Delete(staging, recursive: true);
            throw;
        }
    }

    /// <summary>A command path such as "gp bike-route" as one file-name-safe word: "gp-bike-route".</summary>
    public static string Slug(string name) =>
        string.Join('-', name.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            .Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' ? c : '-')
            .Aggregate(new System.Text.StringBuilder(), (sb, c) => sb.Append(c), sb => sb.ToString());
}

/// <summary>A run folder held by this process until disposed.</summary>
internal sealed class RunFolder(string path, RunLock runLock, bool createdByThisRun) : IDisposable
{
    /// <summary>Full path of the folder.</summary>
    public string Path { get; } = path;

    /// <summary>Whether this run created the folder (so it may remove it again when the run never really started).</summary>
    public bool CreatedByThisRun { get; } = createdByThisRun;

    /// <summary>
    /// Removes the folder when this run created it and nothing worth keeping is in it: a run refused for bad
    /// arguments leaves no trace. A folder that existed before is left as it was.
    /// </summary>
    public void Discard()
    {
        runLock.Dispose();
        if (CreatedByThisRun && Directory.Exists(Path)) Directory.Delete(Path, recursive: true);
    }

    public void Dispose() => runLock.Dispose();
}
