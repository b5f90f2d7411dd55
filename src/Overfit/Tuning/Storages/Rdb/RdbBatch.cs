using System.Globalization;
using System.Text;

namespace Overfit.Tuning;

public sealed partial class RdbStorage
{
    /// <summary>
    /// Statements on one trial (parameter <c>@t</c>) gathered into one command, so a write costs one round trip however
    /// many rows it touches. Each statement's parameters are numbered so they do not clash.
    /// </summary>
    private sealed class Batch(int trialId)
    {
        private readonly StringBuilder _sql = new();
        private readonly List<(string Name, object? Value)> _args = [("@t", trialId)];
        private int _n;

        public bool IsEmpty => _sql.Length == 0;
        public string Text => _sql.ToString();
        public (string Name, object? Value)[] Args => _args.ToArray();

        /// <summary>Appends a statement whose own parameters are written {0}, {1}, … and bound to <paramref name="values"/>.</summary>
        public Batch Add(string sql, params object?[] values)
        {
            var names = new object[values.Length];
            for (int i = 0; i < values.Length; i++)
            {
                names[i] = "@p" + (_n++).ToString(CultureInfo.InvariantCulture);
                _args.Add(((string)names[i], values[i]));
            }
            _sql.Append(string.Format(CultureInfo.InvariantCulture, sql, names)).Append("; ");
            return this;
        }

        public Batch Param(string name, double internalValue, string distributionJson) => Add(
            "INSERT INTO trial_params (trial_id, param_name, param_value, distribution_json) VALUES (@t, {0}, {1}, {2}) " +
            "ON CONFLICT (trial_id, param_name) DO UPDATE SET param_value = excluded.param_value, distribution_json = excluded.distribution_json",
            name, internalValue, distributionJson);

        /// <summary>Replaces the trial's values (Optuna's split of infinities into a type); NaN is refused.</summary>
        public Batch Values(IReadOnlyList<double> values)
        {
            Add("DELETE FROM trial_values WHERE trial_id = @t");
            for (int k = 0; k < values.Count; k++)
            {
                if (double.IsNaN(values[k])) throw new ArgumentException($"objective {k}: NaN cannot be stored as a trial value", nameof(values));
                var (v, type) = RdbSchema.EncodeFloat(values[k]);
                Add("INSERT INTO trial_values (trial_id, objective, value, value_type) VALUES (@t, {0}, {1}, {2})", k, v, type);
            }
            return this;
        }

        public Batch Intermediate(int step, double value)
        {
            var (v, type) = RdbSchema.EncodeFloat(value);
            return Add("INSERT INTO trial_intermediate_values (trial_id, step, intermediate_value, intermediate_value_type) VALUES (@t, {0}, {1}, {2}) " +
                "ON CONFLICT (trial_id, step) DO UPDATE SET intermediate_value = excluded.intermediate_value, intermediate_value_type = excluded.intermediate_value_type",
                step, v, type);
        }

        public Batch Attr(string table, string key, string json) => Add(
            $"INSERT INTO {table} (trial_id, \"key\", value_json) VALUES (@t, {{0}}, {{1}}) ON CONFLICT (trial_id, \"key\") DO UPDATE SET value_json = excluded.value_json",
            key, json);
    }
}
