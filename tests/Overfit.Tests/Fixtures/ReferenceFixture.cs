using System.Text.Json;

namespace Overfit.Tests.Fixtures;

/// <summary>
/// Reads a reference fixture under tests/fixtures/reference/ (a JSON object whose "values" map names to numbers,
/// arrays of numbers or arrays of strings), written by the script beside it.
/// </summary>
internal sealed class ReferenceFixture
{
    private readonly JsonElement _values;

    private ReferenceFixture(JsonElement values) => _values = values;

    /// <summary>Loads tests/fixtures/reference/<paramref name="relativePath"/> from the test output folder.</summary>
    public static ReferenceFixture Load(string relativePath) => new(LoadDocument(relativePath).GetProperty("values"));

    /// <summary>The whole JSON document of a fixture whose layout is its own (cases with nested arrays).</summary>
    public static JsonElement LoadDocument(string relativePath)
    {
        string path = Path.Combine(AppContext.BaseDirectory, "fixtures", "reference", relativePath);
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        return doc.RootElement.Clone();
    }

    private JsonElement Get(string name) => _values.TryGetProperty(name, out var e)
        ? e : throw new KeyNotFoundException($"reference fixture has no value named '{name}'");

    public double Double(string name) => Get(name).GetDouble();
    public int Int(string name) => Get(name).GetInt32();
    /// <summary>An array of numbers; JSON null (how the scripts write NumPy's NaN) reads as NaN.</summary>
    public double[] Doubles(string name) => Get(name).EnumerateArray().Select(e => e.ValueKind == JsonValueKind.Null ? double.NaN : e.GetDouble()).ToArray();
    public int[] Ints(string name) => Get(name).EnumerateArray().Select(e => e.GetInt32()).ToArray();
    public string[] Strings(string name) => Get(name).EnumerateArray().Select(e => e.GetString()!).ToArray();
}
