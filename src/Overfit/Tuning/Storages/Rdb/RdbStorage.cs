using System.Data.Common;
using Microsoft.Data.Sqlite;

namespace Overfit.Tuning;

/// <summary>
/// A study storage in a relational database with Optuna 3.1's schema (Optuna's RDBStorage), so several processes can
/// share one study and Optuna can read what was written here and the other way round. The URL is
/// <c>sqlite:///path</c> (a relative path; <c>sqlite:////abs/path</c> for an absolute one) or a plain file path.
/// Every write is one transaction, retried with backoff while another process holds the database; SQLite files use
/// WAL journaling and a busy timeout.
/// </summary>
public sealed partial class RdbStorage : IHeartbeatStorage, IDisposable
{
    private const int BusyTimeoutMs = 10_000;
    private const int MaxBusyRetries = 8;

    private readonly string _connectionString;
    /// <summary>The database file this storage opened.</summary>
    public string Path { get; }
    /// <inheritdoc/>
    public TimeSpan? HeartbeatInterval { get; }
    /// <summary>How old a RUNNING trial's last heartbeat may be before it counts as stale; 2× the interval by default.</summary>
    public TimeSpan? GracePeriod { get; }
    /// <inheritdoc/>
    public Action<Study, FrozenTrial>? FailedTrialCallback { get; }

    /// <summary>
    /// Opens (and creates when absent) the storage at <paramref name="url"/>. Throws ArgumentException for a malformed
    /// URL, IOException for a missing directory or a read-only file, InvalidDataException for a database whose schema
    /// version is not Optuna 3.1's.
    /// </summary>
    public RdbStorage(string url, TimeSpan? heartbeatInterval = null, TimeSpan? gracePeriod = null,
        Action<Study, FrozenTrial>? failedTrialCallback = null)
    {
        ArgumentNullException.ThrowIfNull(url);
        if (heartbeatInterval is { } hi && hi <= TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(heartbeatInterval), hi, "expected a positive heartbeat interval");
        if (gracePeriod is { } gp && gp <= TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(gracePeriod), gp, "expected a positive grace period");
        if (gracePeriod is not null && heartbeatInterval is null)
            throw new ArgumentException("a grace period needs a heartbeat interval", nameof(gracePeriod));
        HeartbeatInterval = heartbeatInterval;
        GracePeriod = gracePeriod ?? heartbeatInterval * 2;
        FailedTrialCallback = failedTrialCallback;
        Path = SqlitePathFromUrl(url);
        string? dir = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(Path));
        if (dir is not null && !Directory.Exists(dir))
            throw new IOException($"storage '{url}': directory '{dir}' does not exist");
        bool existed = File.Exists(Path);
        if (existed && !OperatingSystem.IsWindows() && (File.GetUnixFileMode(Path) & UnixFileMode.UserWrite) == 0)
            throw new IOException($"storage '{url}': file '{Path}' is read-only");
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = Path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            DefaultTimeout = BusyTimeoutMs / 1000,
            Pooling = true,
        }.ToString();
        try
        {
            InitializeSchema(url);
        }
        catch when (!existed)
        {
            SqliteConnection.ClearAllPools();
            TryDelete(Path); // nothing half-created
            throw;
        }
    }

    /// <summary>
    /// The file path of a SQLite URL: <c>sqlite:///rel.db</c>, <c>sqlite:////abs.db</c>, or a plain path. Throws
    /// ArgumentException naming the URL for any other scheme or an empty path.
    /// </summary>
    internal static string SqlitePathFromUrl(string url)
    {
        const string prefix = "sqlite:///";
        string path;
        if (url.StartsWith(prefix, StringComparison.OrdinalIgnoreCase)) path = url[prefix.Length..];
        else if (url.Contains("://", StringComparison.Ordinal))
            throw new ArgumentException($"storage URL '{url}': expected sqlite:///PATH or a file path", nameof(url));
        else path = url;
        int query = path.IndexOf('?', StringComparison.Ordinal);
        if (query >= 0) path = path[..query];
        if (string.IsNullOrWhiteSpace(path) || path.EndsWith('/'))
            throw new ArgumentException($"storage URL '{url}': expected a file path after sqlite:///", nameof(url));
        return path;
    }

    private void InitializeSchema(string url)
    {
        // An existing, current database needs only a read: opening a storage (a dashboard, a late worker) then never
        // takes the write lock that a running study's workers are using.
        bool current = File.Exists(Path) && Read((c, tx) =>
            Convert.ToInt64(Scalar(c, tx, "SELECT COUNT(*) FROM sqlite_master WHERE type='table' AND name='version_info'")) > 0
            && Scalar(c, tx, "SELECT schema_version FROM version_info WHERE version_info_id = 1") is { } v
            && Convert.ToInt32(v) == RdbSchema.SchemaVersion);
        if (!current) Write((c, tx) =>
        {
            long tables = Convert.ToInt64(Scalar(c, tx, "SELECT COUNT(*) FROM sqlite_master WHERE type='table' AND name='version_info'"));
            if (tables == 0)
            {
                foreach (string ddl in RdbSchema.CreateTables) Exec(c, tx, ddl);
                Exec(c, tx, "INSERT INTO version_info (version_info_id, schema_version, library_version) VALUES (1, @v, @l)",
                    ("@v", RdbSchema.SchemaVersion), ("@l", RdbSchema.LibraryVersion));
                Exec(c, tx, "INSERT INTO alembic_version (version_num) VALUES (@r)", ("@r", RdbSchema.AlembicRevision));
                return 0;
            }
            object? version = Scalar(c, tx, "SELECT schema_version FROM version_info WHERE version_info_id = 1");
            if (version is null || Convert.ToInt32(version) != RdbSchema.SchemaVersion)
                throw new InvalidDataException($"storage '{url}': schema version {version ?? "(none)"} is not supported; expected {RdbSchema.SchemaVersion} (Optuna 3.1)");
            return 0;
        });
        using var conn = Open();
        Exec(conn, null, "PRAGMA journal_mode=WAL");
    }

    /// <summary>Releases pooled connections to the file.</summary>
    public void Dispose()
    {
        using var c = new SqliteConnection(_connectionString);
        SqliteConnection.ClearPool(c);
    }

    private SqliteConnection Open()
    {
        var c = new SqliteConnection(_connectionString);
        c.Open();
        using var busy = c.CreateCommand();
        busy.CommandText = $"PRAGMA busy_timeout={BusyTimeoutMs}";
        busy.ExecuteNonQuery();
        return c;
    }

    /// <summary>Runs <paramref name="body"/> in one IMMEDIATE transaction, retrying with backoff while the file is busy.</summary>
    private T Write<T>(Func<SqliteConnection, SqliteTransaction, T> body)
    {
        for (int attempt = 0; ; attempt++)
        {
            try
            {
                using var c = Open();
                using var tx = c.BeginTransaction(deferred: false);
                T result = body(c, tx);
                tx.Commit();
                return result;
            }
            catch (SqliteException e) when (IsBusy(e) && attempt < MaxBusyRetries)
            {
                Thread.Sleep(TimeSpan.FromMilliseconds((10 << attempt) + Random.Shared.Next(10)));
            }
        }
    }

    private void Write(Action<SqliteConnection, SqliteTransaction> body) => Write((c, tx) => { body(c, tx); return 0; });

    /// <summary>Runs a read in one deferred transaction so its queries see one snapshot.</summary>
    private T Read<T>(Func<SqliteConnection, SqliteTransaction, T> body)
    {
        for (int attempt = 0; ; attempt++)
        {
            try
            {
                using var c = Open();
                using var tx = c.BeginTransaction(deferred: true);
                return body(c, tx);
            }
            catch (SqliteException e) when (IsBusy(e) && attempt < MaxBusyRetries)
            {
                Thread.Sleep(TimeSpan.FromMilliseconds((10 << attempt) + Random.Shared.Next(10)));
            }
        }
    }

    private static bool IsBusy(SqliteException e) => e.SqliteErrorCode is 5 or 6; // SQLITE_BUSY, SQLITE_LOCKED

    private static DbCommand Command(SqliteConnection c, SqliteTransaction? tx, string sql, params (string Name, object? Value)[] args)
    {
        var cmd = c.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = sql;
        foreach (var (name, value) in args) cmd.Parameters.AddWithValue(name, value ?? DBNull.Value);
        return cmd;
    }

    private static int Exec(SqliteConnection c, SqliteTransaction? tx, string sql, params (string Name, object? Value)[] args)
    {
        using var cmd = Command(c, tx, sql, args);
        return cmd.ExecuteNonQuery();
    }

    private static object? Scalar(SqliteConnection c, SqliteTransaction? tx, string sql, params (string Name, object? Value)[] args)
    {
        using var cmd = Command(c, tx, sql, args);
        var v = cmd.ExecuteScalar();
        return v is DBNull ? null : v;
    }

    private static void TryDelete(string path)
    {
        foreach (string p in new[] { path, path + "-wal", path + "-shm", path + "-journal" })
            try { if (File.Exists(p)) File.Delete(p); } catch (IOException) { }
    }
}
