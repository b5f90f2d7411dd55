using System.Globalization;

namespace Overfit.Tuning;

/// <summary>
/// Optuna 3.1's RDB schema (schema_version 12, alembic revision v3.0.0.d): table and column names, enum spellings and
/// the datetime text form, so a file written here opens in Optuna and one written by Optuna opens here.
/// </summary>
internal static class RdbSchema
{
    public const int SchemaVersion = 12;
    public const string AlembicRevision = "v3.0.0.d";
    /// <summary>The library version recorded beside the schema; Optuna only prints it in messages.</summary>
    public const string LibraryVersion = "3.1.0";

    /// <summary>Statements that create every table, in dependency order (column types as Optuna's SQLite DDL).</summary>
    public static readonly string[] CreateTables =
    [
        "CREATE TABLE studies (study_id INTEGER NOT NULL, study_name VARCHAR(512) NOT NULL, PRIMARY KEY (study_id))",
        "CREATE UNIQUE INDEX ix_studies_study_name ON studies (study_name)",
        "CREATE TABLE version_info (version_info_id INTEGER NOT NULL, schema_version INTEGER, library_version VARCHAR(256), PRIMARY KEY (version_info_id), CHECK (version_info_id=1))",
        "CREATE TABLE study_directions (study_direction_id INTEGER NOT NULL, direction VARCHAR(8) NOT NULL, study_id INTEGER NOT NULL, objective INTEGER NOT NULL, PRIMARY KEY (study_direction_id), UNIQUE (study_id, objective), FOREIGN KEY(study_id) REFERENCES studies (study_id))",
        "CREATE TABLE study_user_attributes (study_user_attribute_id INTEGER NOT NULL, study_id INTEGER, \"key\" VARCHAR(512), value_json TEXT, PRIMARY KEY (study_user_attribute_id), UNIQUE (study_id, \"key\"), FOREIGN KEY(study_id) REFERENCES studies (study_id))",
        "CREATE TABLE study_system_attributes (study_system_attribute_id INTEGER NOT NULL, study_id INTEGER, \"key\" VARCHAR(512), value_json TEXT, PRIMARY KEY (study_system_attribute_id), UNIQUE (study_id, \"key\"), FOREIGN KEY(study_id) REFERENCES studies (study_id))",
        "CREATE TABLE trials (trial_id INTEGER NOT NULL, number INTEGER, study_id INTEGER, state VARCHAR(8) NOT NULL, datetime_start DATETIME, datetime_complete DATETIME, PRIMARY KEY (trial_id), FOREIGN KEY(study_id) REFERENCES studies (study_id))",
        "CREATE TABLE trial_user_attributes (trial_user_attribute_id INTEGER NOT NULL, trial_id INTEGER, \"key\" VARCHAR(512), value_json TEXT, PRIMARY KEY (trial_user_attribute_id), UNIQUE (trial_id, \"key\"), FOREIGN KEY(trial_id) REFERENCES trials (trial_id))",
        "CREATE TABLE trial_system_attributes (trial_system_attribute_id INTEGER NOT NULL, trial_id INTEGER, \"key\" VARCHAR(512), value_json TEXT, PRIMARY KEY (trial_system_attribute_id), UNIQUE (trial_id, \"key\"), FOREIGN KEY(trial_id) REFERENCES trials (trial_id))",
        "CREATE TABLE trial_params (param_id INTEGER NOT NULL, trial_id INTEGER, param_name VARCHAR(512), param_value FLOAT, distribution_json TEXT, PRIMARY KEY (param_id), UNIQUE (trial_id, param_name), FOREIGN KEY(trial_id) REFERENCES trials (trial_id))",
        "CREATE TABLE trial_values (trial_value_id INTEGER NOT NULL, trial_id INTEGER NOT NULL, objective INTEGER NOT NULL, value FLOAT, value_type VARCHAR(7) NOT NULL, PRIMARY KEY (trial_value_id), UNIQUE (trial_id, objective), FOREIGN KEY(trial_id) REFERENCES trials (trial_id))",
        "CREATE TABLE trial_intermediate_values (trial_intermediate_value_id INTEGER NOT NULL, trial_id INTEGER NOT NULL, step INTEGER NOT NULL, intermediate_value FLOAT, intermediate_value_type VARCHAR(7) NOT NULL, PRIMARY KEY (trial_intermediate_value_id), UNIQUE (trial_id, step), FOREIGN KEY(trial_id) REFERENCES trials (trial_id))",
        "CREATE TABLE trial_heartbeats (trial_heartbeat_id INTEGER NOT NULL, trial_id INTEGER NOT NULL, heartbeat DATETIME NOT NULL, PRIMARY KEY (trial_heartbeat_id), UNIQUE (trial_id), FOREIGN KEY(trial_id) REFERENCES trials (trial_id))",
        "CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL, CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num))",
    ];

    /// <summary>Child tables of a trial, deleted with it (Optuna's ORM cascades; the schema has no ON DELETE).</summary>
    public static readonly string[] TrialChildTables =
        ["trial_params", "trial_values", "trial_intermediate_values", "trial_user_attributes", "trial_system_attributes", "trial_heartbeats"];

    public static string StateName(TrialState s) => s switch
    {
        TrialState.Running => "RUNNING",
        TrialState.Complete => "COMPLETE",
        TrialState.Pruned => "PRUNED",
        TrialState.Fail => "FAIL",
        TrialState.Waiting => "WAITING",
        _ => throw new ArgumentOutOfRangeException(nameof(s), s, "unknown trial state"),
    };

    public static TrialState ParseState(string s) => s switch
    {
        "RUNNING" => TrialState.Running,
        "COMPLETE" => TrialState.Complete,
        "PRUNED" => TrialState.Pruned,
        "FAIL" => TrialState.Fail,
        "WAITING" => TrialState.Waiting,
        _ => throw new FormatException($"trials.state: unknown value '{s}'"),
    };

    public static string DirectionName(StudyDirection d) => d switch
    {
        StudyDirection.Minimize => "MINIMIZE",
        StudyDirection.Maximize => "MAXIMIZE",
        _ => "NOT_SET",
    };

    public static StudyDirection ParseDirection(string s) => s switch
    {
        "MINIMIZE" => StudyDirection.Minimize,
        "MAXIMIZE" => StudyDirection.Maximize,
        "NOT_SET" => StudyDirection.NotSet,
        _ => throw new FormatException($"study_directions.direction: unknown value '{s}'"),
    };

    /// <summary>Optuna's split of a float into (value, type): infinities and NaN are stored as a type with a NULL value.</summary>
    public static (object Value, string Type) EncodeFloat(double v) =>
        double.IsNaN(v) ? (DBNull.Value, "NAN")
        : double.IsPositiveInfinity(v) ? (DBNull.Value, "INF_POS")
        : double.IsNegativeInfinity(v) ? (DBNull.Value, "INF_NEG")
        : (v, "FINITE");

    public static double DecodeFloat(object value, string type) => type switch
    {
        "FINITE" => Convert.ToDouble(value, CultureInfo.InvariantCulture),
        "INF_POS" => double.PositiveInfinity,
        "INF_NEG" => double.NegativeInfinity,
        "NAN" => double.NaN,
        _ => throw new FormatException($"unknown float type '{type}'"),
    };

    // SQLAlchemy's SQLite DATETIME text form; it also reads values without the fraction.
    private const string DateFormat = "yyyy-MM-dd HH:mm:ss.ffffff";
    private static readonly string[] DateFormats = [DateFormat, "yyyy-MM-dd HH:mm:ss", "yyyy-MM-dd HH:mm:ss.FFFFFFF", "yyyy-MM-ddTHH:mm:ss.FFFFFFF"];

    /// <summary>The time as the database keeps it (whole microseconds), so a cached copy equals what a read returns.</summary>
    public static DateTime RoundToStored(DateTime d) => new(d.Ticks - d.Ticks % 10, d.Kind);

    public static object EncodeDate(DateTime? d) => d is { } v ? v.ToString(DateFormat, CultureInfo.InvariantCulture) : DBNull.Value;

    public static DateTime? DecodeDate(object value) => value switch
    {
        DBNull or null => null,
        DateTime d => d,
        string s => DateTime.ParseExact(s, DateFormats, CultureInfo.InvariantCulture, DateTimeStyles.None),
        _ => throw new FormatException($"unexpected datetime value {value}"),
    };
}
