using System.CommandLine;

namespace Overfit.Cli.Infrastructure;

/// <summary>How much work an experiment does: tiny (seconds, for tests), quick (the tour), full (the chapter's settings).</summary>
internal enum BudgetLevel
{
    Tiny,
    Quick,
    Full,
}

/// <summary>
/// The options every experiment command shares: <c>--seed</c>, <c>--out</c>, <c>--json</c> and
/// <c>--budget</c>. A fresh set is made per command because an option belongs to one command.
/// </summary>
internal sealed class CommonOptions
{
    public const int DefaultSeed = 42;

    public CommonOptions(BudgetLevel defaultBudget = BudgetLevel.Full)
    {
        Seed = new Option<int>("--seed")
        {
            Description = "Seed of every random number generator in the run (same seed, same numbers)",
            HelpName = "N",
            DefaultValueFactory = _ => DefaultSeed,
        };
        Out = new Option<string?>("--out")
        {
            Description = "Run directory for figures, metrics.json and reports (default: runs/<yyyyMMdd-HHmmss>-<command>)",
            HelpName = "DIR",
        };
        Json = new Option<bool>("--json")
        {
            Description = "Print a machine-readable JSON summary on standard output (human output goes to standard error)",
        };
        Budget = new Option<BudgetLevel>("--budget")
        {
            Description = "How much work to do: tiny (seconds), quick (a few minutes for everything), full (the chapter's settings)",
            HelpName = "tiny|quick|full",
            DefaultValueFactory = _ => defaultBudget,
        };
    }

    public Option<int> Seed { get; }
    public Option<string?> Out { get; }
    public Option<bool> Json { get; }
    public Option<BudgetLevel> Budget { get; }

    public void AddTo(Command command)
    {
        ArgumentNullException.ThrowIfNull(command);
        command.Options.Add(Seed);
        command.Options.Add(Out);
        command.Options.Add(Json);
        command.Options.Add(Budget);
    }

    public RunSettings Read(ParseResult parse, string commandName) => new(
        CommandName: commandName,
        Seed: parse.GetValue(Seed),
        OutDirectory: parse.GetValue(Out),
        Json: parse.GetValue(Json),
        Budget: parse.GetValue(Budget));
}

/// <summary>The shared options as read from one command line.</summary>
internal sealed record RunSettings(string CommandName, int Seed, string? OutDirectory, bool Json, BudgetLevel Budget);
