namespace Overfit.Cli.Infrastructure;

/// <summary>
/// The top-level catch of every command: any exception becomes one line <c>error: &lt;reason&gt;</c> on
/// standard error and exit code 1, never a stack trace.
/// </summary>
internal static class CommandGuard
{
    public const int FailureExitCode = 1;

    public static int Run(TextWriter stderr, Func<int> action) => Run(stderr, action, jsonOut: null, command: "");

    /// <summary>
    /// As <see cref="Run(TextWriter, Func{int})"/>; with <paramref name="jsonOut"/> (a <c>--json</c> run), a failure
    /// before the command printed its own JSON also writes <c>{"command", "status": "failed", "error"}</c> there, so
    /// standard output always holds one JSON document.
    /// </summary>
    public static int Run(TextWriter stderr, Func<int> action, JsonOutput? jsonOut, string command)
    {
        ArgumentNullException.ThrowIfNull(stderr);
        ArgumentNullException.ThrowIfNull(action);
        try
        {
            return action();
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            string reason = ExperimentRunner.OneLine(ex);
            stderr.WriteLine($"error: {reason}");
            if (jsonOut is { Written: false })
                jsonOut.Write(System.Text.Json.JsonSerializer.Serialize(new Dictionary<string, object?> { ["command"] = command, ["status"] = "failed", ["error"] = reason }));
            return FailureExitCode;
        }
    }
}

/// <summary>Standard output of a <c>--json</c> run: remembers whether the one JSON document was written.</summary>
internal sealed class JsonOutput(TextWriter stdout)
{
    public bool Written { get; private set; }

    public void Write(string json)
    {
        stdout.WriteLine(json);
        Written = true;
    }
}
