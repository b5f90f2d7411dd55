namespace Overfit.Cli.Infrastructure;

/// <summary>
/// The top-level catch of every command: any exception becomes one line <c>error: &lt;reason&gt;</c> on
/// standard error and exit code 1, never a stack trace.
/// </summary>
public static class CommandGuard
{
    public const int FailureExitCode = 1;

    public static int Run(TextWriter stderr, Func<int> action)
    {
        ArgumentNullException.ThrowIfNull(stderr);
        ArgumentNullException.ThrowIfNull(action);
        try
        {
            return action();
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            stderr.WriteLine($"error: {ExperimentRunner.OneLine(ex)}");
            return FailureExitCode;
        }
    }
}
