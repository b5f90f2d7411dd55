using System.Buffers;
using System.Globalization;
using System.Text.Json;
using Overfit.Tuning;

namespace Overfit.Dashboard;

/// <summary>
/// The JSON the pages and scripts read for one trial. Non-finite numbers (an intermediate NaN, an infinite value) are
/// written as the strings "NaN", "Infinity" and "-Infinity" because JSON has no literal for them.
/// </summary>
internal static class TrialJson
{
    /// <summary>A trial as UTF-8 JSON: number, trial_id, state, values, params, intermediate ([step, value] pairs), datetimes, duration (s), the worker that ran it (when recorded), user_attrs.</summary>
    public static byte[] Serialize(FrozenTrial t)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteNumber("number", t.Number);
            w.WriteNumber("trial_id", t.TrialId);
            w.WriteString("state", StateName(t.State));
            w.WritePropertyName("values");
            if (t.Values is null) w.WriteNullValue();
            else
            {
                w.WriteStartArray();
                foreach (double v in t.Values) Number(w, v);
                w.WriteEndArray();
            }
            w.WriteStartObject("params");
            foreach (var (name, internalValue) in t.InternalParams.OrderBy(p => p.Key, StringComparer.Ordinal))
            {
                w.WritePropertyName(name);
                Value(w, t.Distributions[name].ToExternal(internalValue));
            }
            w.WriteEndObject();
            w.WriteStartArray("intermediate");
            foreach (var (step, v) in t.IntermediateValues)
            {
                w.WriteStartArray();
                w.WriteNumberValue(step);
                Number(w, v);
                w.WriteEndArray();
            }
            w.WriteEndArray();
            Date(w, "datetime_start", t.DatetimeStart);
            Date(w, "datetime_complete", t.DatetimeComplete);
            w.WritePropertyName("duration");
            if (t.Duration is { } d) w.WriteNumberValue(d.TotalSeconds); else w.WriteNullValue();
            if (t.SystemAttrs.TryGetValue(Study.WorkerKey, out var worker) && worker is string workerName) w.WriteString("worker", workerName);
            w.WriteStartObject("user_attrs");
            foreach (var (key, value) in t.UserAttrs.OrderBy(p => p.Key, StringComparer.Ordinal))
            {
                w.WritePropertyName(key);
                w.WriteRawValue(AttrJson.Serialize(value, key), skipInputValidation: true);
            }
            w.WriteEndObject();
            w.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Optuna's upper-case state names, as its dashboard and CSV show them.</summary>
    public static string StateName(TrialState s) => s.ToString().ToUpperInvariant();

    /// <summary>A finite number as a JSON number, anything else as its name in a string.</summary>
    public static void Number(Utf8JsonWriter w, double v)
    {
        if (double.IsFinite(v)) w.WriteNumberValue(v);
        else w.WriteStringValue(double.IsNaN(v) ? "NaN" : v > 0 ? "Infinity" : "-Infinity");
    }

    /// <summary>A parameter's external value: a number, a string, a boolean or null.</summary>
    public static void Value(Utf8JsonWriter w, object? value)
    {
        switch (value)
        {
            case null: w.WriteNullValue(); break;
            case bool b: w.WriteBooleanValue(b); break;
            case string s: w.WriteStringValue(s); break;
            case double d: Number(w, d); break;
            case float f: Number(w, f); break;
            case int i: w.WriteNumberValue(i); break;
            case long l: w.WriteNumberValue(l); break;
            default: w.WriteStringValue(Convert.ToString(value, CultureInfo.InvariantCulture)); break;
        }
    }

    private static void Date(Utf8JsonWriter w, string name, DateTime? value)
    {
        if (value is { } d) w.WriteString(name, d.ToString("yyyy-MM-ddTHH:mm:ss.ffffff", CultureInfo.InvariantCulture));
        else w.WriteNull(name);
    }
}
