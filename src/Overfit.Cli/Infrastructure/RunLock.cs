using System.Diagnostics;
using System.Globalization;

namespace Overfit.Cli.Infrastructure;

/// <summary>
/// Marks a run folder as in use for the run's duration: a <c>.overfit-run.lock</c> file created exclusively (O_EXCL)
/// that holds the owner's process id. A second run on the same folder gets "in use by PID …"; a lock left by a run
/// that no longer exists (killed) is taken over.
/// </summary>
internal sealed class RunLock : IDisposable
{
    public const string FileName = ".overfit-run.lock";

    private string _path;
    private bool _released;

    private RunLock(string path) => _path = path;

    /// <summary>Locks <paramref name="directory"/> (which must exist) or throws naming the process that holds it.</summary>
    public static RunLock Acquire(string directory)
    {
        string path = Path.Combine(directory, FileName);
        for (int attempt = 0; ; attempt++)
        {
            try
            {
                using (var stream = new FileStream(path, FileMode.CreateNew, FileAccess.Write))
                using (var writer = new StreamWriter(stream))
                    writer.Write(Environment.ProcessId.ToString(CultureInfo.InvariantCulture));
                return new RunLock(path);
            }
            catch (IOException) when (File.Exists(path) && attempt < 2)
            {
                int? owner = ReadOwner(path);
                if (owner is int pid && pid != Environment.ProcessId && IsRunning(pid))
                    throw new IOException($"--out: '{directory}' is in use by PID {pid} (another overfit run); wait for it to finish or choose another folder (if PID {pid} is no overfit run, delete {path})");
                if (owner is null && DateTime.UtcNow - File.GetLastWriteTimeUtc(path) < TimeSpan.FromSeconds(10))
                    throw new IOException($"--out: '{directory}' is in use by another overfit run (its lock is being written); choose another folder");
                if (owner == Environment.ProcessId)
                    throw new IOException($"--out: '{directory}' is already in use by this process");
                File.Delete(path); // left by a run that was killed (or is unreadable): take it over
            }
        }
    }

    /// <summary>The same lock after its folder was renamed to <paramref name="directory"/>.</summary>
    internal RunLock MovedTo(string directory)
    {
        _path = Path.Combine(directory, FileName);
        return this;
    }

    public void Dispose()
    {
        if (_released) return;
        _released = true;
        if (ReadOwner(_path) == Environment.ProcessId) File.Delete(_path);
    }

    private static int? ReadOwner(string path)
    {
        try { return int.TryParse(File.ReadAllText(path).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out int pid) ? pid : null; }
        catch (IOException) { return null; }
        catch (UnauthorizedAccessException) { return null; }
    }

    private static bool IsRunning(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException) { return false; }
        catch (InvalidOperationException) { return false; }
    }
}
