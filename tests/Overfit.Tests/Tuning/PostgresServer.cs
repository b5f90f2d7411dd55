using System.Diagnostics;
using Npgsql;

namespace Overfit.Tests.Tuning;

/// <summary>
/// A throwaway PostgreSQL server for the tests: initdb into a temporary directory, started with pg_ctl on a free
/// 127.0.0.1 port (trust authentication, no fsync), one fresh database per <see cref="CreateDatabase"/>, stopped and
/// deleted when the test process exits. The binaries come from PATH or /usr/lib/postgresql/*/bin; as root they run as
/// the postgres user (the server refuses root). Where none exist <see cref="Unavailable"/> says why and the tests that
/// need a server report SKIPPED with that reason.
/// </summary>
internal sealed class PostgresServer
{
    private static readonly Lazy<(PostgresServer? Server, string? Why)> Shared = new(Start, LazyThreadSafetyMode.ExecutionAndPublication);
    private static int _databases;

    private readonly string _dir;
    private readonly string _bin;
    private readonly bool _asPostgresUser;

    /// <summary>The port the server listens on, at 127.0.0.1.</summary>
    public int Port { get; }

    private PostgresServer(string dir, string bin, bool asPostgresUser, int port)
    {
        _dir = dir;
        _bin = bin;
        _asPostgresUser = asPostgresUser;
        Port = port;
    }

    /// <summary>The shared server, started on first use; null when it cannot run (see <see cref="Unavailable"/>).</summary>
    public static PostgresServer? Instance => Shared.Value.Server;

    /// <summary>Why no server is available, or null when one is.</summary>
    public static string? Unavailable => Shared.Value.Why;

    /// <summary>Writes the loud SKIPPED line for <paramref name="test"/> and returns true when no server is available.</summary>
    public static bool Skip(string test, Action<string>? log = null)
    {
        if (Unavailable is not { } why) return false;
        string message = $"SKIPPED {test}: no PostgreSQL server for the tests ({why})";
        log?.Invoke(message);
        Console.Error.WriteLine(message);
        return true;
    }

    /// <summary>A new empty database and its storage URL.</summary>
    public string CreateDatabase()
    {
        string name = $"t{Environment.ProcessId}_{Interlocked.Increment(ref _databases)}";
        using (var c = new NpgsqlConnection($"Host=127.0.0.1;Port={Port};Username=postgres;Database=postgres;Pooling=false"))
        {
            c.Open();
            using var cmd = c.CreateCommand();
            cmd.CommandText = $"CREATE DATABASE {name}";
            cmd.ExecuteNonQuery();
        }
        return $"postgresql://postgres@127.0.0.1:{Port}/{name}";
    }

    private static (PostgresServer?, string?) Start()
    {
        if (OperatingSystem.IsWindows()) return (null, "the fixture runs PostgreSQL on Linux/macOS only");
        string? bin = FindBin();
        if (bin is null) return (null, "initdb/pg_ctl not found in PATH or /usr/lib/postgresql/*/bin (apt-get install postgresql)");
        bool root = Environment.UserName == "root";
        if (root && Run("id", false, "-u", "postgres").Code != 0) return (null, "running as root and there is no postgres user to run the server as");
        SweepLeftovers();
        string dir = Directory.CreateTempSubdirectory("overfit-pg-").FullName;
        // The server runs as postgres: it must be able to create its data directory, socket and log in here.
        File.SetUnixFileMode(dir, (UnixFileMode)0b111_111_111);
        int port = Data.LocalHttpServer.FreePort();
        var server = new PostgresServer(dir, bin, root, port);
        string data = Path.Combine(dir, "data");
        var init = server.Pg("initdb", "-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync");
        if (init.Code != 0) return (null, Cleanup(dir, $"initdb failed: {init.Output.Trim()}"));
        var start = server.Pg("pg_ctl", "-D", data, "-l", Path.Combine(dir, "log"), "-w", "-t", "60", "-o",
            $"-p {port} -k {dir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c max_connections=200", "start");
        if (start.Code != 0)
        {
            string log = File.Exists(Path.Combine(dir, "log")) ? File.ReadAllText(Path.Combine(dir, "log")) : "";
            return (null, Cleanup(dir, $"pg_ctl start failed: {start.Output.Trim()} {log.Trim()}".ReplaceLineEndings(" ")));
        }
        AppDomain.CurrentDomain.ProcessExit += (_, _) => server.Stop();
        return (server, null);
    }

    /// <summary>
    /// Stops the server and deletes its directory from a detached shell: the test host may end its process right
    /// after the exit handlers start, before tens of megabytes of data files are deleted.
    /// </summary>
    private void Stop()
    {
        string pgCtl = (_asPostgresUser ? "runuser -u postgres -- " : "") + $"'{Path.Combine(_bin, "pg_ctl")}'";
        var psi = new ProcessStartInfo("/bin/sh") { UseShellExecute = false };
        foreach (string a in new[] { "-c", $"{pgCtl} -D \"$0/data\" -m immediate -w stop >/dev/null 2>&1; rm -rf \"$0\"", _dir }) psi.ArgumentList.Add(a);
        try { Process.Start(psi)?.WaitForExit(2000); } catch (System.ComponentModel.Win32Exception) { Cleanup(_dir, null); }
    }

    /// <summary>Deletes directories of earlier test servers that are no longer running (a test host may exit before its exit handler finishes).</summary>
    private static void SweepLeftovers()
    {
        foreach (string old in Directory.GetDirectories(Path.GetTempPath(), "overfit-pg-*"))
            if (!File.Exists(Path.Combine(old, "data", "postmaster.pid")) && Directory.GetLastWriteTimeUtc(old) < DateTime.UtcNow.AddMinutes(-1))
                Cleanup(old, null);
    }

    private static string? Cleanup(string dir, string? why)
    {
        try { Directory.Delete(dir, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        return why;
    }

    private (int Code, string Output) Pg(string tool, params string[] args) => Run(Path.Combine(_bin, tool), _asPostgresUser, args);

    private static (int Code, string Output) Run(string file, bool asPostgres, params string[] args)
    {
        var psi = new ProcessStartInfo(asPostgres ? "runuser" : file) { RedirectStandardOutput = true, RedirectStandardError = true };
        if (asPostgres) foreach (string a in new[] { "-u", "postgres", "--", file }) psi.ArgumentList.Add(a);
        foreach (string a in args) psi.ArgumentList.Add(a);
        try
        {
            using var p = Process.Start(psi)!;
            var stderr = p.StandardError.ReadToEndAsync();
            string stdout = p.StandardOutput.ReadToEnd();
            p.WaitForExit();
            return (p.ExitCode, stdout + stderr.Result);
        }
        catch (System.ComponentModel.Win32Exception e) { return (-1, e.Message); }
    }

    private static string? FindBin()
    {
        foreach (string dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator))
            if (dir.Length > 0 && File.Exists(Path.Combine(dir, "initdb")) && File.Exists(Path.Combine(dir, "pg_ctl"))) return dir;
        if (!Directory.Exists("/usr/lib/postgresql")) return null;
        return Directory.GetDirectories("/usr/lib/postgresql")
            .Select(d => Path.Combine(d, "bin"))
            .Where(b => File.Exists(Path.Combine(b, "initdb")) && File.Exists(Path.Combine(b, "pg_ctl")))
            .OrderByDescending(b => int.TryParse(Path.GetFileName(Path.GetDirectoryName(b)), out int v) ? v : 0)
            .FirstOrDefault();
    }
}
