using System.Data.Common;

namespace Overfit.Tuning;

/// <summary>
/// A study storage in a relational database with Optuna 3.1's schema (Optuna's RDBStorage), so several processes — on
/// several machines with PostgreSQL — can share one study, and Optuna can read what was written here and the other way
/// round. The URL is <c>sqlite:///path</c> (a relative path; <c>sqlite:////abs/path</c> for an absolute one), a plain
/// file path, or <c>postgresql://user[:password]@host[:port]/database[?pool_size=N&amp;connect_timeout=S]</c>. Every
/// write is one transaction, retried with backoff on a busy file, a deadlock or a serialization failure; SQLite files
/// use WAL journaling and a busy timeout, PostgreSQL a bounded connection pool and row locks.
/// </summary>
public sealed partial class RdbStorage : IHeartbeatStorage, IDisposable
{
    private const int MaxRetries = 8;

    private readonly RdbProvider _db;
    private readonly RdbTrialCache _trialCache = new();
    private readonly RdbOwnedTrials _owned = new();
    private readonly System.Collections.Concurrent.ConcurrentDictionary<(int StudyId, string Name), Distribution> _firstDistributions = new();
    /// <summary>The database file this storage opened (SQLite), or its URL without the password (PostgreSQL).</summary>
    public string Path => _db.Location;
    /// <summary>"sqlite" or "postgresql".</summary>
    public string Dialect => _db.Name;
    /// <inheritdoc/>
    public TimeSpan? HeartbeatInterval { get; }
    /// <summary>How old a RUNNING trial's last heartbeat may be before it counts as stale; 2× the interval by default.</summary>
    public TimeSpan? GracePeriod { get; }
    /// <inheritdoc/>
    public Action<Study, FrozenTrial>? FailedTrialCallback { get; }

    /// <summary>
    /// Opens (and creates when absent) the storage at <paramref name="url"/>. Throws ArgumentException for a malformed
    /// URL, IOException for a missing directory, a read-only file or an unreachable PostgreSQL server,
    /// InvalidDataException for a database whose schema version is not Optuna 3.1's.
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
        _db = IsPostgresUrl(url) ? new PostgresProvider(url) : new SqliteProvider(url, SqlitePathFromUrl(url));
        string shown = PostgresProvider.RedactPassword(url);
        try
        {
            InitializeSchema(shown);
        }
        catch (Exception e) when (e is Npgsql.NpgsqlException or TimeoutException)
        {
            _db.Dispose();
            throw new IOException($"storage '{shown}': cannot use PostgreSQL at {_db.Location}: {OneLine(e)}", e);
        }
        catch
        {
            _db.DeleteCreated(); // nothing half-created
            _db.Dispose();
            throw;
        }
    }

    private static bool IsPostgresUrl(string url) => url.StartsWith("postgres", StringComparison.OrdinalIgnoreCase) && url.Contains("://", StringComparison.Ordinal);

    private static string OneLine(Exception e)
    {
        string m = e is Npgsql.PostgresException pg ? pg.MessageText : (e.InnerException?.Message ?? e.Message);
        return m.ReplaceLineEndings(" ").Trim();
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
            throw new ArgumentException($"storage URL '{PostgresProvider.RedactPassword(url)}': expected sqlite:///PATH, postgresql://USER@HOST:PORT/DATABASE or a file path", nameof(url));
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
        bool current = _db is not SqliteProvider { Existed: false } && Read((c, tx) =>
            _db.SchemaExists(tx)
            && Scalar(c, tx, "SELECT schema_version FROM version_info WHERE version_info_id = 1") is { } v
            && Convert.ToInt32(v) == RdbSchema.SchemaVersion);
        if (!current) Write((c, tx) =>
        {
            _db.LockSchema(tx);
            if (!_db.SchemaExists(tx))
            {
                foreach (string ddl in _db.CreateTables) Exec(c, tx, ddl);
                Exec(c, tx, "INSERT INTO version_info (version_info_id, schema_version, library_version) VALUES (1, @v, @l)",
                    ("@v", RdbSchema.SchemaVersion), ("@l", RdbSchema.LibraryVersion));
                Exec(c, tx, "INSERT INTO alembic_version (version_num) VALUES (@r)", ("@r", RdbSchema.AlembicRevision));
                return;
            }
            object? version = Scalar(c, tx, "SELECT schema_version FROM version_info WHERE version_info_id = 1");
            if (version is null || Convert.ToInt32(version) != RdbSchema.SchemaVersion)
                throw new InvalidDataException($"storage '{url}': schema version {version ?? "(none)"} is not supported; expected {RdbSchema.SchemaVersion} (Optuna 3.1)");
        });
        _db.AfterSchema();
    }

    /// <summary>Releases pooled connections to the database.</summary>
    public void Dispose() => _db.Dispose();

    /// <summary>Runs <paramref name="body"/> in one write transaction, retrying with backoff on a transient conflict.</summary>
    private T Write<T>(Func<DbConnection, DbTransaction, T> body) => Retry(c =>
    {
        using var tx = _db.BeginWrite(c);
        T result = body(c, tx);
        tx.Commit();
        return result;
    });

    private void Write(Action<DbConnection, DbTransaction> body) => Write((c, tx) => { body(c, tx); return 0; });

    /// <summary>Runs a read in one transaction so its queries see one snapshot.</summary>
    private T Read<T>(Func<DbConnection, DbTransaction, T> body) => Retry(c =>
    {
        using var tx = _db.BeginRead(c);
        return body(c, tx);
    });

    /// <summary>
    /// Runs <paramref name="body"/>, which sends ONE command (statements separated by ';'), atomically: on PostgreSQL
    /// the command is its own implicit transaction (one round trip); SQLite wraps it in a write transaction. The body
    /// gets the transaction, or null when there is none to pass.
    /// </summary>
    private T WriteCommand<T>(Func<DbConnection, DbTransaction?, T> body) => _db.CommandIsTransaction ? Retry(c => body(c, null)) : Write(body);

    /// <summary>
    /// Runs a read whose commands each see one snapshot: on PostgreSQL each command is its own implicit transaction
    /// that begins with <see cref="RdbProvider.SnapshotRead"/> (<see cref="Snapshot"/>); SQLite reads in one transaction.
    /// </summary>
    private T ReadCommands<T>(Func<DbConnection, DbTransaction?, T> body) => _db.CommandIsTransaction ? Retry(c => body(c, null)) : Read(body);

    /// <summary>What a read command begins with: the snapshot statement outside a transaction, nothing inside one.</summary>
    private string Snapshot(DbTransaction? tx) => tx is null ? _db.SnapshotRead : "";

    /// <summary>Rethrows a reference to a deleted parent row (PostgreSQL's foreign keys) as <paramref name="missing"/>.</summary>
    private T Missing<T>(Func<T> run, Func<Exception> missing)
    {
        try { return run(); }
        catch (DbException e) when (_db.IsMissingParent(e)) { throw missing(); }
    }

    /// <summary>
    /// Moves the reader of a multi-statement command to the next statement that returns columns (Npgsql shows every
    /// statement, Microsoft.Data.Sqlite only those); <paramref name="first"/> for the reader's first position.
    /// </summary>
    private static void NextRows(DbDataReader r, bool first = false)
    {
        if (!first && !r.NextResult()) throw new InvalidOperationException("the command returned fewer result sets than it has queries");
        while (r.FieldCount == 0)
            if (!r.NextResult()) throw new InvalidOperationException("the command returned fewer result sets than it has queries");
    }

    private T Retry<T>(Func<DbConnection, T> run)
    {
        for (int attempt = 0; ; attempt++)
        {
            try
            {
                using var c = _db.Open();
                return run(c);
            }
            catch (DbException e) when (_db.IsTransient(e) && attempt < MaxRetries)
            {
                Thread.Sleep(TimeSpan.FromMilliseconds((10 << attempt) + Random.Shared.Next(10)));
            }
        }
    }

    private DbCommand Command(DbConnection c, DbTransaction? tx, string sql, params (string Name, object? Value)[] args)
    {
        var cmd = c.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = sql;
        foreach (var (name, value) in args) _db.AddParameter(cmd, name, value);
        return cmd;
    }

    private int Exec(DbConnection c, DbTransaction? tx, string sql, params (string Name, object? Value)[] args)
    {
        using var cmd = Command(c, tx, sql, args);
        return cmd.ExecuteNonQuery();
    }

    private object? Scalar(DbConnection c, DbTransaction? tx, string sql, params (string Name, object? Value)[] args)
    {
        using var cmd = Command(c, tx, sql, args);
        var v = cmd.ExecuteScalar();
        return v is DBNull ? null : v;
    }
}
