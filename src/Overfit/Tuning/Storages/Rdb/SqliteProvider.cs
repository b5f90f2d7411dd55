using System.Data.Common;
using Microsoft.Data.Sqlite;

namespace Overfit.Tuning;

/// <summary>
/// SQLite files: WAL journaling, a busy timeout, IMMEDIATE write transactions (the file lock serializes writers, so
/// no row locks are needed), and SQLITE_BUSY/SQLITE_LOCKED retried with backoff.
/// </summary>
internal sealed class SqliteProvider : RdbProvider
{
    private const int BusyTimeoutMs = 10_000;
    private readonly string _connectionString;
    private readonly string _path;

    /// <summary>Checks the file before anything is created: its directory must exist and an existing file must be writable.</summary>
    public SqliteProvider(string url, string path)
    {
        _path = path;
        string? dir = Path.GetDirectoryName(Path.GetFullPath(path));
        if (dir is not null && !Directory.Exists(dir))
            throw new IOException($"storage '{url}': directory '{dir}' does not exist");
        Existed = File.Exists(path);
        if (Existed && !OperatingSystem.IsWindows() && (File.GetUnixFileMode(path) & UnixFileMode.UserWrite) == 0)
            throw new IOException($"storage '{url}': file '{path}' is read-only");
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            DefaultTimeout = BusyTimeoutMs / 1000,
            Pooling = true,
        }.ToString();
    }

    /// <summary>Whether the file was there before this storage opened it.</summary>
    public bool Existed { get; }

    public override string Name => "sqlite";
    public override string Location => _path;
    public override string ForUpdate => "";
    public override string ForUpdateSkipLocked => "";
    public override string? ServerUtcNow => null;
    public override bool CommandIsTransaction => false;
    public override string SnapshotRead => "";
    public override string DeferFlush => "";
    public override IEnumerable<string> CreateTables => RdbSchema.CreateTables;

    public override DbConnection Open()
    {
        var c = new SqliteConnection(_connectionString);
        c.Open();
        using var busy = c.CreateCommand();
        busy.CommandText = $"PRAGMA busy_timeout={BusyTimeoutMs}";
        busy.ExecuteNonQuery();
        return c;
    }

    public override DbTransaction BeginWrite(DbConnection connection) => ((SqliteConnection)connection).BeginTransaction(deferred: false);
    public override DbTransaction BeginRead(DbConnection connection) => ((SqliteConnection)connection).BeginTransaction(deferred: true);

    public override bool IsTransient(Exception e) => e is SqliteException { SqliteErrorCode: 5 or 6 }; // SQLITE_BUSY, SQLITE_LOCKED

    public override bool SchemaExists(DbTransaction tx)
    {
        using var cmd = tx.Connection!.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = "SELECT COUNT(*) FROM sqlite_master WHERE type='table' AND name='version_info'";
        return Convert.ToInt64(cmd.ExecuteScalar()) > 0;
    }

    public override void AfterSchema()
    {
        using var c = Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = "PRAGMA journal_mode=WAL";
        cmd.ExecuteNonQuery();
    }

    public override void DeleteCreated()
    {
        if (Existed) return;
        SqliteConnection.ClearAllPools();
        foreach (string p in new[] { _path, _path + "-wal", _path + "-shm", _path + "-journal" })
            try { if (File.Exists(p)) File.Delete(p); } catch (IOException) { }
    }

    public override void Dispose()
    {
        using var c = new SqliteConnection(_connectionString);
        SqliteConnection.ClearPool(c);
    }
}
