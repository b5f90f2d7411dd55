using System.CommandLine;
using Spectre.Console;

namespace Overfit.Cli.Infrastructure;

/// <summary>
/// Where a command writes. Everything goes through the writers of the parse's invocation
/// configuration, so a caller (a test, a host) can capture it. With <c>--json</c>, standard output
/// carries only the JSON summary and all human-readable output moves to standard error.
/// </summary>
internal sealed class CliOutput
{
    private CliOutput(TextWriter stdout, TextWriter stderr, IAnsiConsole human)
    {
        Stdout = stdout;
        Stderr = stderr;
        Human = human;
    }

    /// <summary>Standard output: the JSON summary when <c>--json</c> is given, else the human output.</summary>
    public TextWriter Stdout { get; }

    /// <summary>Standard error: error lines (and human output under <c>--json</c>).</summary>
    public TextWriter Stderr { get; }

    /// <summary>Tables, progress and notes for people.</summary>
    public IAnsiConsole Human { get; }

    /// <summary>True when live progress bars can be drawn (a terminal that understands ANSI codes).</summary>
    public bool CanShowLiveProgress =>
        Human.Profile.Capabilities.Interactive && Human.Profile.Capabilities.Ansi;

    public static CliOutput From(ParseResult parse, bool json)
    {
        ArgumentNullException.ThrowIfNull(parse);
        var stdout = parse.InvocationConfiguration.Output;
        var stderr = parse.InvocationConfiguration.Error;
        var humanWriter = json ? stderr : stdout;
        return new CliOutput(stdout, stderr, CreateConsole(humanWriter));
    }

    /// <summary>A Spectre console on <paramref name="writer"/>; colours and live display only on a real terminal.</summary>
    public static IAnsiConsole CreateConsole(TextWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        bool terminal = IsTerminal(writer);
        return AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(writer),
            Ansi = terminal ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = terminal ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = terminal ? InteractionSupport.Detect : InteractionSupport.No,
        });
    }

    private static bool IsTerminal(TextWriter writer) =>
        (ReferenceEquals(writer, Console.Out) && !Console.IsOutputRedirected)
        || (ReferenceEquals(writer, Console.Error) && !Console.IsErrorRedirected);
}
