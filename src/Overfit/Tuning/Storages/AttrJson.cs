using System.Text.Json;

namespace Overfit.Tuning;

/// <summary>
/// The one JSON form of user/system attribute values (Optuna stores them as JSON text): values round-trip through
/// JSON so that every storage returns the same shapes — null, bool, long, double, string, object?[] and
/// Dictionary&lt;string, object?&gt;.
/// </summary>
public static class AttrJson
{
    /// <summary>Serializes an attribute value; throws ArgumentException for values JSON cannot hold.</summary>
    public static string Serialize(object? value, string key = "value")
    {
        try
        {
            if (value is double d && !double.IsFinite(d))
                return double.IsNaN(d) ? "NaN" : d > 0 ? "Infinity" : "-Infinity"; // Python's json.dumps writes these
            return JsonSerializer.Serialize(value, value?.GetType() ?? typeof(object));
        }
        catch (Exception e) when (e is NotSupportedException or InvalidOperationException or ArgumentException)
        {
            throw new ArgumentException($"attribute '{key}': value of type {value?.GetType().Name} cannot be stored as JSON ({e.Message})", nameof(value), e);
        }
    }

    /// <summary>Parses JSON text written by <see cref="Serialize"/> or by Optuna.</summary>
    public static object? Deserialize(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        switch (json.Trim())
        {
            case "NaN": return double.NaN;
            case "Infinity": return double.PositiveInfinity;
            case "-Infinity": return double.NegativeInfinity;
        }
        using var doc = JsonDocument.Parse(json, new JsonDocumentOptions { AllowTrailingCommas = true });
        return FromElement(doc.RootElement);
    }

    /// <summary>The normalized shape of a value: what a storage returns after storing it.</summary>
    public static object? Normalize(object? value, string key = "value") => value switch
    {
        null or bool or long or double or string => value,
        int i => (long)i,
        float f => (double)f,
        _ => Deserialize(Serialize(value, key)),
    };

    private static object? FromElement(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.Null or JsonValueKind.Undefined => null,
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        JsonValueKind.String => e.GetString(),
        JsonValueKind.Number => e.TryGetInt64(out long l) ? (object)l : e.GetDouble(),
        JsonValueKind.Array => e.EnumerateArray().Select(FromElement).ToArray(),
        JsonValueKind.Object => e.EnumerateObject().ToDictionary(p => p.Name, p => FromElement(p.Value)),
        _ => throw new FormatException($"unexpected JSON value kind {e.ValueKind}"),
    };
}
