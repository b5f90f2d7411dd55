using System.Text.Json;

namespace Overfit.Tuning;

/// <summary>Reads Optuna's distribution JSON (json_to_distribution): current class names, the 2.x ones, and the abbreviated "type" form.</summary>
internal static class DistributionJson
{
    public static Distribution Read(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object) throw new FormatException($"expected a JSON object for a distribution, got {root.ValueKind}");
        if (root.TryGetProperty("name", out var nameElement))
        {
            string name = nameElement.GetString() ?? "";
            var a = root.GetProperty("attributes");
            return name switch
            {
                "FloatDistribution" => new FloatDistribution(a.GetProperty("low").GetDouble(), a.GetProperty("high").GetDouble(), Bool(a, "log"), NullableDouble(a, "step")),
                "UniformDistribution" => new FloatDistribution(a.GetProperty("low").GetDouble(), a.GetProperty("high").GetDouble()),
                "LogUniformDistribution" => new FloatDistribution(a.GetProperty("low").GetDouble(), a.GetProperty("high").GetDouble(), log: true),
                "DiscreteUniformDistribution" => new FloatDistribution(a.GetProperty("low").GetDouble(), a.GetProperty("high").GetDouble(), step: a.GetProperty("q").GetDouble()),
                "IntDistribution" => new IntDistribution(Int(a, "low"), Int(a, "high"), Bool(a, "log"), a.TryGetProperty("step", out var s) && s.ValueKind != JsonValueKind.Null ? s.GetInt32() : 1),
                "IntUniformDistribution" => new IntDistribution(Int(a, "low"), Int(a, "high"), step: a.TryGetProperty("step", out var s2) ? s2.GetInt32() : 1),
                "IntLogUniformDistribution" => new IntDistribution(Int(a, "low"), Int(a, "high"), log: true),
                "CategoricalDistribution" => new CategoricalDistribution(a.GetProperty("choices").EnumerateArray().Select(e => (object?)e.Clone())),
                _ => throw new FormatException($"unknown distribution class '{name}'"),
            };
        }
        if (root.TryGetProperty("type", out var typeElement))
        {
            string type = typeElement.GetString() ?? "";
            return type switch
            {
                "categorical" => new CategoricalDistribution(root.GetProperty("choices").EnumerateArray().Select(e => (object?)e.Clone())),
                "float" => new FloatDistribution(root.GetProperty("low").GetDouble(), root.GetProperty("high").GetDouble(), Bool(root, "log"), NullableDouble(root, "step")),
                "int" => new IntDistribution(Int(root, "low"), Int(root, "high"), Bool(root, "log"), root.TryGetProperty("step", out var s) && s.ValueKind != JsonValueKind.Null ? s.GetInt32() : 1),
                _ => throw new FormatException($"unknown distribution type '{type}'; expected float, int or categorical"),
            };
        }
        throw new FormatException("a distribution's JSON needs a \"name\" or a \"type\" key");
    }

    private static bool Bool(JsonElement e, string key) => e.TryGetProperty(key, out var v) && v.ValueKind == JsonValueKind.True;

    private static double? NullableDouble(JsonElement e, string key)
        => e.TryGetProperty(key, out var v) && v.ValueKind != JsonValueKind.Null ? v.GetDouble() : null;

    private static int Int(JsonElement e, string key)
    {
        var v = e.GetProperty(key);
        return v.TryGetInt32(out int i) ? i : checked((int)v.GetDouble());
    }
}
