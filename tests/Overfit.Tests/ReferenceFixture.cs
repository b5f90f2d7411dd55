using System.Text.Json;

namespace Overfit.Tests;

/// <summary>Reads a JSON reference fixture from tests/fixtures/reference (copied beside the test assembly).</summary>
internal static class ReferenceFixture
{
    public static JsonElement Load(string topic, string file)
    {
        var path = Path.Combine(AppContext.BaseDirectory, "fixtures", "reference", topic, file);
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        return doc.RootElement.Clone();
    }
}
