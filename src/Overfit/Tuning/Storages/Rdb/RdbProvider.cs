using System.Data.Common;

namespace Overfit.Tuning;

/// <summary>
/// What differs between the databases <see cref="RdbStorage"/> runs on: how connections and write transactions are
/// opened, which errors are worth retrying, the DDL's types and row-lock syntax. The SQL of the storage itself is shared.
/// </summary>
internal abstract class RdbProvider : IDisposable
{
    /// <summary>"sqlite" or "postgresql", as the benchmarks and messages name the kind of storage.</summary>
    public abstract string Name { get; }

    /// <summary>Where the data lives, for messages: the file path, or the URL without its password.</summary>
    public abstract string Location { get; }

    /// <summary>An open pooled connection.</summary>
    public abstract DbConnection Open();

    /// <summary>A transaction that holds the write lock (SQLite) or may take row locks (PostgreSQL) from its first statement.</summary>
    public abstract DbTransaction BeginWrite(DbConnection connection);

    /// <summary>A transaction whose queries see one snapshot.</summary>
    public abstract DbTransaction BeginRead(DbConnection connection);

    /// <summary>True for a conflict that goes away when the transaction is run again (busy file, deadlock, serialization failure).</summary>
    public abstract bool IsTransient(Exception e);

    /// <summary>Appended to a SELECT inside a write transaction to lock the rows it reads; empty where the whole file is locked.</summary>
    public abstract string ForUpdate { get; }

    /// <summary>Appended to a SELECT that claims one queued row: rows other workers hold are skipped rather than waited for.</summary>
    public abstract string ForUpdateSkipLocked { get; }

    /// <summary>SQL for the database server's current UTC time, so every machine's heartbeats share one clock; null to use this machine's clock.</summary>
    public abstract string? ServerUtcNow { get; }

    /// <summary>True when the schema's version_info table exists.</summary>
    public abstract bool SchemaExists(DbTransaction tx);

    /// <summary>The DDL of Optuna 3.1's schema in this database's types.</summary>
    public abstract IEnumerable<string> CreateTables { get; }

    /// <summary>Serializes schema creation between processes that open a new database at once.</summary>
    public virtual void LockSchema(DbTransaction tx) { }

    /// <summary>Settings applied once the schema exists (SQLite's WAL journal).</summary>
    public virtual void AfterSchema() { }

    /// <summary>Binds <paramref name="value"/> (null as SQL NULL) to the command.</summary>
    public virtual void AddParameter(DbCommand command, string name, object? value)
    {
        var p = command.CreateParameter();
        p.ParameterName = name;
        p.Value = value ?? DBNull.Value;
        command.Parameters.Add(p);
    }

    /// <summary>Removes what the constructor created when opening failed (a new SQLite file), so nothing is left half-made.</summary>
    public virtual void DeleteCreated() { }

    /// <summary>Releases pooled connections.</summary>
    public abstract void Dispose();
}
