// Reads one `overfit ... --json` summary from standard input and exits non-zero unless it is a JSON object
// for the expected command (first argument) with status "ok". Run as a file-based app: dotnet run --file .ci/check-json.cs -- polyfit
using System.Text.Json;

string expected = args.Length > 0 ? args[0] : throw new ArgumentException("usage: check-json.cs COMMAND < summary.json");
string text = Console.In.ReadToEnd();
try
{
    using var doc = JsonDocument.Parse(text);
    var root = doc.RootElement;
    string? command = root.GetProperty("command").GetString();
    string? status = root.GetProperty("status").GetString();
    if (command != expected || status != "ok")
    {
        Console.Error.WriteLine($"check-json: expected command '{expected}' with status 'ok', got command '{command}' with status '{status}'");
        return 1;
    }
    Console.WriteLine($"check-json: {command} ok, {root.EnumerateObject().Count()} fields");
    return 0;
}
catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
{
    Console.Error.WriteLine($"check-json: not a valid summary ({e.Message}); first 200 characters: {text[..Math.Min(200, text.Length)]}");
    return 1;
}
