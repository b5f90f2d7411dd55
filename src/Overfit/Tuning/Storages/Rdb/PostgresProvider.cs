using System.Data.Common;
using System.Globalization;
using System.Text.RegularExpressions;
using Npgsql;
using NpgsqlTypes;

namespace Overfit.Tuning;

/// <summary>
/// PostgreSQL through a bounded Npgsql connection pool: READ COMMITTED write transactions that lock the rows they
/// change (<c>FOR UPDATE</c>), <c>FOR UPDATE SKIP LOCKED</c> to claim queued trials, heartbeats on the server's clock,
/// and deadlocks or serialization failures retried with backoff. The DDL is what Optuna 3.1 creates on PostgreSQL:
/// native enum types for states, directions and value types, SERIAL keys, TIMESTAMP WITHOUT TIME ZONE.
/// </summary>
internal sealed partial class PostgresProvider : RdbProvider
{
    /// <summary>Connections one storage may hold at once unless the URL says <c>?pool_size=N</c>.</summary>
    public const int DefaultPoolSize = 8;
    private const int DefaultConnectTimeoutS = 10;
    private const long SchemaLockKey = 0x0F_0F17_5C4E_3A12; // any constant: the advisory lock that serializes schema creation

    private readonly NpgsqlDataSource _source;
    private readonly string _location;

    /// <summary>The URL is checked here; nothing connects until the first query.</summary>
    public PostgresProvider(string url)
    {
        var b = ParseUrl(url);
        _location = $"postgresql://{(b.Username is null ? "" : b.Username + "@")}{b.Host}:{b.Port}/{b.Database}";
        PoolSize = b.MaxPoolSize;
        // Unmapped types: Optuna's enum columns (trialstate, …) are read as their text.
        var builder = new NpgsqlDataSourceBuilder(b.ConnectionString);
        builder.EnableUnmappedTypes();
        _source = builder.Build();
    }

    /// <summary>The most connections this storage opens at once (Npgsql's Maximum Pool Size).</summary>
    public int PoolSize { get; }

    public override string Name => "postgresql";
    public override string Location => _location;
    public override string ForUpdate => " FOR UPDATE";
    public override string ForUpdateSkipLocked => " FOR UPDATE SKIP LOCKED";
    public override string? ServerUtcNow => "(now() AT TIME ZONE 'UTC')";
    public override bool CommandIsTransaction => true;
    public override string SnapshotRead => "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ; ";
    public override string DeferFlush => "SET LOCAL synchronous_commit TO off; ";
    public override bool IsMissingParent(Exception e) => e is PostgresException { SqlState: "23503" }; // foreign_key_violation

    /// <summary>
    /// Parses <c>postgresql://[user[:password]@]host[:port]/database[?pool_size=N&amp;connect_timeout=S]</c> (also
    /// <c>postgres://</c> and SQLAlchemy's <c>postgresql+psycopg2://</c>). Throws ArgumentException naming the URL
    /// (without its password) and the part that is wrong.
    /// </summary>
    internal static NpgsqlConnectionStringBuilder ParseUrl(string url)
    {
        var m = UrlPattern().Match(url);
        string shown = RedactPassword(url);
        if (!m.Success)
            throw new ArgumentException($"storage URL '{shown}': expected postgresql://[USER[:PASSWORD]@]HOST[:PORT]/DATABASE", nameof(url));
        var b = new NpgsqlConnectionStringBuilder
        {
            Host = m.Groups["host"].Value.Trim('[', ']'),
            Username = m.Groups["user"].Success ? Uri.UnescapeDataString(m.Groups["user"].Value) : null,
            Database = Uri.UnescapeDataString(m.Groups["db"].Value),
            MaxPoolSize = DefaultPoolSize,
            Timeout = DefaultConnectTimeoutS,
            // A statement may wait this long (seconds) for a row lock another worker holds.
            CommandTimeout = 60,
            // Sessions keep no state between transactions (advisory locks are transaction-scoped), so a pooled
            // connection needs no DISCARD ALL when it is handed out again.
            NoResetOnClose = true,
            // The same few statements run for every trial: prepared on each connection after their second use, the
            // server skips parsing and planning them again.
            MaxAutoPrepare = 64,
            AutoPrepareMinUsages = 2,
        };
        if (m.Groups["pw"].Success) b.Password = Uri.UnescapeDataString(m.Groups["pw"].Value);
        b.Port = 5432;
        if (m.Groups["port"].Success)
        {
            if (!int.TryParse(m.Groups["port"].Value, NumberStyles.None, CultureInfo.InvariantCulture, out int port) || port is < 1 or > 65535)
                throw new ArgumentException($"storage URL '{shown}': port '{m.Groups["port"].Value}' is not in 1..65535", nameof(url));
            b.Port = port;
        }
        if (m.Groups["query"].Success)
            foreach (string pair in m.Groups["query"].Value.Split('&', StringSplitOptions.RemoveEmptyEntries))
            {
                int eq = pair.IndexOf('=', StringComparison.Ordinal);
                string key = eq < 0 ? pair : pair[..eq], value = eq < 0 ? "" : pair[(eq + 1)..];
                int n = int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out int v) ? v : -1;
                switch (key)
                {
                    case "pool_size" when n is >= 1 and <= 10_000: b.MaxPoolSize = n; break;
                    case "connect_timeout" when n is >= 1 and <= 3600: b.Timeout = n; break;
                    case "pool_size" or "connect_timeout":
                        throw new ArgumentException($"storage URL '{shown}': {key} expected a positive whole number, got '{value}'", nameof(url));
                    default:
                        throw new ArgumentException($"storage URL '{shown}': unknown option '{key}' (known: pool_size, connect_timeout)", nameof(url));
                }
            }
        return b;
    }

    /// <summary>The URL with any password replaced by ***, for messages.</summary>
    internal static string RedactPassword(string url) => PasswordPattern().Replace(url, "$1:***@");

    [GeneratedRegex(@"^postgres(?:ql)?(?:\+psycopg2?)?://(?:(?<user>[^:@/?]+)(?::(?<pw>[^@/?]*))?@)?(?<host>\[[0-9A-Fa-f:.]+\]|[^:/?\[\]@]+)(?::(?<port>[^/?]*))?/(?<db>[^/?]+)(?:\?(?<query>.*))?$", RegexOptions.IgnoreCase)]
    private static partial Regex UrlPattern();

    [GeneratedRegex(@"^([a-z0-9+]+://[^:@/?]+):[^@/?]*@", RegexOptions.IgnoreCase)]
    private static partial Regex PasswordPattern();

    public override DbConnection Open() => _source.OpenConnection();
    public override DbTransaction BeginWrite(DbConnection connection) => connection.BeginTransaction(System.Data.IsolationLevel.ReadCommitted);
    public override DbTransaction BeginRead(DbConnection connection) => connection.BeginTransaction(System.Data.IsolationLevel.RepeatableRead);

    // 40001 serialization_failure, 40P01 deadlock_detected, 23505 unique_violation (two workers inserting the same key
    // at once: the rerun sees the other's row).
    public override bool IsTransient(Exception e) => e is PostgresException { SqlState: "40001" or "40P01" or "23505" };

    public override bool SchemaExists(DbTransaction tx)
    {
        using var cmd = tx.Connection!.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = "SELECT to_regclass('version_info') IS NOT NULL";
        return cmd.ExecuteScalar() is true;
    }

    public override void LockSchema(DbTransaction tx)
    {
        using var cmd = tx.Connection!.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = $"SELECT pg_advisory_xact_lock({SchemaLockKey})";
        cmd.ExecuteNonQuery();
    }

    // The pool learns the database's types when its first connection opens, which may be before the enum types
    // existed (this or another process created the schema since): reload them once the schema is there.
    public override void AfterSchema() => _source.ReloadTypes();

    public override IEnumerable<string> CreateTables
    {
        get
        {
            yield return "CREATE TYPE studydirection AS ENUM ('NOT_SET', 'MINIMIZE', 'MAXIMIZE')";
            yield return "CREATE TYPE trialstate AS ENUM ('RUNNING', 'COMPLETE', 'PRUNED', 'FAIL', 'WAITING')";
            yield return "CREATE TYPE trialvaluetype AS ENUM ('FINITE', 'INF_POS', 'INF_NEG')";
            yield return "CREATE TYPE trialintermediatevaluetype AS ENUM ('FINITE', 'INF_POS', 'INF_NEG', 'NAN')";
            foreach (string ddl in RdbSchema.CreateTables) yield return ToPostgres(ddl);
        }
    }

    /// <summary>SQLite's DDL in PostgreSQL's types: the surrogate key becomes SERIAL, enums their types, DATETIME a timestamp.</summary>
    internal static string ToPostgres(string ddl)
    {
        string s = SerialKey().Replace(ddl, m => m.Groups[1].Value == "version_info" ? m.Value : $"CREATE TABLE {m.Groups[1].Value} ({m.Groups[2].Value} SERIAL NOT NULL");
        return s.Replace("intermediate_value_type VARCHAR(7)", "intermediate_value_type trialintermediatevaluetype", StringComparison.Ordinal)
            .Replace(" value_type VARCHAR(7)", " value_type trialvaluetype", StringComparison.Ordinal)
            .Replace("state VARCHAR(8)", "state trialstate", StringComparison.Ordinal)
            .Replace("direction VARCHAR(8)", "direction studydirection", StringComparison.Ordinal)
            .Replace("DATETIME", "TIMESTAMP WITHOUT TIME ZONE", StringComparison.Ordinal)
            .Replace("FLOAT", "DOUBLE PRECISION", StringComparison.Ordinal);
    }

    [GeneratedRegex(@"^CREATE TABLE (\w+) \((\w+) INTEGER NOT NULL")]
    private static partial Regex SerialKey();

    public override void AddParameter(DbCommand command, string name, object? value)
    {
        var p = new NpgsqlParameter(name, value ?? DBNull.Value);
        // Text goes out untyped so the server casts it to the column's type: enum columns and timestamps take strings.
        if (value is string) p.NpgsqlDbType = NpgsqlDbType.Unknown;
        command.Parameters.Add(p);
    }

    public override void Dispose() => _source.Dispose();
}
