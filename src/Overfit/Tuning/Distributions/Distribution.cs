using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Overfit.Tuning;

/// <summary>
/// A parameter's search space (Optuna's BaseDistribution). Samplers and storages work in the internal representation,
/// a double: the value itself for float and int parameters, the choice index for categorical ones.
/// </summary>
public abstract class Distribution : IEquatable<Distribution>
{
    private protected Distribution() { }

    /// <summary>True when the space holds exactly one value (that value is returned without asking the sampler).</summary>
    public abstract bool Single { get; }

    /// <summary>Whether an internal-representation value lies in the space (on the step grid where there is one).</summary>
    public abstract bool Contains(double internalValue);

    /// <summary>The value a user sees (double, int or the categorical choice) for an internal-representation value.</summary>
    public abstract object? ToExternal(double internalValue);

    /// <summary>The internal representation of a user value; throws ArgumentException when the value does not fit the kind.</summary>
    public abstract double ToInternal(object? externalValue);

    /// <summary>Optuna's class name in the JSON form ("FloatDistribution", "IntDistribution", "CategoricalDistribution").</summary>
    public abstract string OptunaName { get; }

    /// <summary>Optuna's <c>distribution_to_json</c> form: {"name": ..., "attributes": {...}} with Optuna's key order.</summary>
    public string ToJson()
    {
        var sb = new StringBuilder();
        sb.Append("{\"name\": \"").Append(OptunaName).Append("\", \"attributes\": {");
        WriteAttributes(sb);
        sb.Append("}}");
        return sb.ToString();
    }

    private protected abstract void WriteAttributes(StringBuilder sb);

    /// <summary>Reads Optuna's JSON form (including the abbreviated {"type": "float"|"int"|"categorical", ...} form and the 2.x class names).</summary>
    public static Distribution FromJson(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        using var doc = JsonDocument.Parse(json);
        return DistributionJson.Read(doc.RootElement);
    }

    /// <summary>Throws when <paramref name="newer"/> cannot share a parameter name with <paramref name="older"/> within one study (Optuna's check_distribution_compatibility: same kind, same log flag, same choices).</summary>
    public static void CheckCompatibility(string paramName, Distribution older, Distribution newer)
    {
        ArgumentNullException.ThrowIfNull(older);
        ArgumentNullException.ThrowIfNull(newer);
        if (older.GetType() != newer.GetType())
            throw new ArgumentException($"parameter '{paramName}': cannot use a {newer.OptunaName} where the study already records a {older.OptunaName}", nameof(newer));
        bool logOld = older is FloatDistribution f1 ? f1.Log : older is IntDistribution i1 && i1.Log;
        bool logNew = newer is FloatDistribution f2 ? f2.Log : newer is IntDistribution i2 && i2.Log;
        if (logOld != logNew)
            throw new ArgumentException($"parameter '{paramName}': cannot change log={logOld} to log={logNew}", nameof(newer));
        if (older is CategoricalDistribution && !older.Equals(newer))
            throw new ArgumentException($"parameter '{paramName}': categorical choices cannot change within a study ({older.ToJson()} vs {newer.ToJson()})", nameof(newer));
    }

    /// <summary>True when <paramref name="other"/> is the same kind of distribution with the same settings.</summary>
    public abstract bool Equals(Distribution? other);
    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is Distribution d && Equals(d);
    /// <summary>Hash consistent with <see cref="Equals(Distribution)"/>.</summary>
    public abstract override int GetHashCode();
    /// <inheritdoc/>
    public override string ToString() => ToJson();

    internal static string Number(double v)
    {
        // Python's repr of a float: shortest round-trip digits, always with a decimal point or exponent.
        if (double.IsPositiveInfinity(v)) return "Infinity";
        if (double.IsNegativeInfinity(v)) return "-Infinity";
        if (double.IsNaN(v)) return "NaN";
        string s = v.ToString("R", CultureInfo.InvariantCulture);
        if (s.Contains('E'))
        {
            // .NET "1E-05" -> Python "1e-05"
            int e = s.IndexOf('E');
            string mant = s[..e], exp = s[(e + 1)..];
            string sign = exp.StartsWith('-') ? "-" : "+";
            exp = exp.TrimStart('+', '-').PadLeft(2, '0');
            return mant + "e" + sign + exp;
        }
        return s.Contains('.') ? s : s + ".0";
    }
}
