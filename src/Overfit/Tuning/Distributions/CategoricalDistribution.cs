using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Overfit.Tuning;

/// <summary>
/// A categorical parameter over choices of Optuna's CategoricalChoiceType: null, bool, integer, float or string.
/// The internal representation is the choice index.
/// </summary>
public sealed class CategoricalDistribution : Distribution
{
    private readonly object?[] _choices;

    /// <summary>Validates the choices; <paramref name="name"/> only names the parameter in error messages.</summary>
    public CategoricalDistribution(IEnumerable<object?> choices, string name = "")
    {
        ArgumentNullException.ThrowIfNull(choices);
        string who = name.Length > 0 ? $"parameter '{name}': " : "";
        _choices = choices.Select(Normalize).ToArray();
        if (_choices.Length == 0) throw new ArgumentException($"{who}expected at least one choice, got none", nameof(choices));
        foreach (var c in _choices)
            if (c is not (null or bool or long or double or string))
                throw new ArgumentException($"{who}choices must be null, bool, integer, float or string (Optuna's CategoricalChoiceType), got {c} ({c.GetType().Name})", nameof(choices));
    }

    /// <summary>The choices in order; integers are held as long, floats as double.</summary>
    public IReadOnlyList<object?> Choices => _choices;
    /// <inheritdoc/>
    public override string OptunaName => "CategoricalDistribution";
    /// <inheritdoc/>
    public override bool Single => _choices.Length == 1;

    /// <inheritdoc/>
    public override bool Contains(double internalValue)
    {
        int index = (int)internalValue;
        return index >= 0 && index < _choices.Length && index == internalValue;
    }

    /// <inheritdoc/>
    public override object? ToExternal(double internalValue)
    {
        int index = (int)internalValue;
        if (index < 0 || index >= _choices.Length || index != internalValue)
            throw new ArgumentOutOfRangeException(nameof(internalValue), internalValue, $"expected a choice index in 0..{_choices.Length - 1}, got {internalValue}");
        return _choices[index];
    }

    /// <inheritdoc/>
    public override double ToInternal(object? externalValue)
    {
        var v = Normalize(externalValue);
        for (int i = 0; i < _choices.Length; i++)
            if (ChoiceEquals(v, _choices[i])) return i;
        throw new ArgumentException($"'{externalValue ?? "null"}' is not one of the choices [{string.Join(", ", _choices.Select(c => c ?? "null"))}]", nameof(externalValue));
    }

    /// <summary>Integers widen to long and floats to double, so 3 and 3L are one choice (Python's ints have one type).</summary>
    internal static object? Normalize(object? c) => c switch
    {
        int i => (long)i,
        short s => (long)s,
        byte b => (long)b,
        uint u => (long)u,
        float f => (double)f,
        decimal m => (double)m,
        JsonElement e => e.ValueKind switch
        {
            JsonValueKind.Null => null,
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            JsonValueKind.String => e.GetString(),
            JsonValueKind.Number => e.TryGetInt64(out long l) ? (object)l : e.GetDouble(),
            _ => throw new ArgumentException($"unsupported categorical choice in JSON: {e}"),
        },
        _ => c,
    };

    /// <summary>Optuna's _categorical_choice_equal: Python equality (1 == 1.0), and NaN equals NaN.</summary>
    internal static bool ChoiceEquals(object? a, object? b)
    {
        if (a is null || b is null) return a is null && b is null;
        if (a is double da && b is double db) return da == db || (double.IsNaN(da) && double.IsNaN(db));
        if (a is long or double && b is long or double) return Convert.ToDouble(a, CultureInfo.InvariantCulture) == Convert.ToDouble(b, CultureInfo.InvariantCulture);
        return a.Equals(b);
    }

    private protected override void WriteAttributes(StringBuilder sb)
    {
        sb.Append("\"choices\": [");
        for (int i = 0; i < _choices.Length; i++)
        {
            if (i > 0) sb.Append(", ");
            sb.Append(_choices[i] switch
            {
                null => "null",
                bool b => b ? "true" : "false",
                long l => l.ToString(CultureInfo.InvariantCulture),
                double d => Number(d),
                string s => JsonSerializer.Serialize(s),
                var o => throw new InvalidOperationException($"unexpected choice {o}"),
            });
        }
        sb.Append(']');
    }

    /// <inheritdoc/>
    public override bool Equals(Distribution? other)
    {
        if (other is not CategoricalDistribution c || c._choices.Length != _choices.Length) return false;
        for (int i = 0; i < _choices.Length; i++)
            if (!ChoiceEquals(_choices[i], c._choices[i]) || (_choices[i] is bool) != (c._choices[i] is bool)) return false;
        return true;
    }

    /// <inheritdoc/>
    public override int GetHashCode()
    {
        var h = new HashCode();
        foreach (var c in _choices) h.Add(c is long l ? (double)l : c);
        return h.ToHashCode();
    }
}
