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

    /// <summary>
    /// True when the database runs the statements of one multi-statement command as one transaction by itself
    /// (PostgreSQL's implicit transaction: one round trip, no BEGIN and COMMIT); false where a transaction must wrap them.
    /// </summary>
    public abstract bool CommandIsTransaction { get; }

    /// <summary>
    /// Statement that begins a command reading one snapshot when <see cref="CommandIsTransaction"/> (PostgreSQL: the
    /// implicit transaction becomes REPEATABLE READ); empty where the read runs in a transaction.
    /// </summary>
    public abstract string SnapshotRead { get; }

    /// <summary>
    /// Statement that begins a write transaction whose loss in a server crash is acceptable: the records of a running
    /// trial, which a crash loses anyway. PostgreSQL then commits without waiting for the WAL to reach the disk; the
    /// next ordinary commit (a tell) flushes it together with everything before it, since the WAL is written in order.
    /// Empty where commits are not worth deferring.
    /// </summary>
    public abstract string DeferFlush { get; }

    /// <summary>True when the error says a row refers to a parent row that does not exist (a trial or study deleted meanwhile).</summary>
    public virtual bool IsMissingParent(Exception e) => false;

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
