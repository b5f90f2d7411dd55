using System.CommandLine;
using Overfit.Cli.Infrastructure;

namespace Overfit.Cli.Experiments;

/// <summary>
/// One experiment of the chapter. Registered once in <see cref="ExperimentRegistry"/>, it becomes an
/// <c>overfit &lt;name&gt;</c> command and a section of the <c>overfit tour</c> report.
/// </summary>
internal interface IExperiment
{
    /// <summary>The command path, e.g. "batchnorm" or "gp bike-route" (a space makes a subcommand).</summary>
    string Name { get; }

    /// <summary>One sentence for <c>--help</c> and the report.</summary>
    string Description { get; }

    /// <summary>Options of this experiment beyond the shared ones; read them with <see cref="RunContext.GetOption{T}"/>.</summary>
    IReadOnlyList<Option> Options => [];

    /// <summary>Runs the experiment; figures and tables go through <paramref name="context"/>.</summary>
    ExperimentResult Run(RunContext context, ExperimentBudget budget);

    /// <summary>What <c>--json</c> prints for the run: its whole metrics.json document unless the experiment promises a shape of its own.</summary>
    object JsonSummary(RunRecord record) => record.ToDocument();
}

/// <summary>How much work a run may do; experiments choose their sizes with <see cref="Pick{T}"/>.</summary>
internal sealed record ExperimentBudget(BudgetLevel Level)
{
    public static ExperimentBudget Tiny { get; } = new(BudgetLevel.Tiny);
    public static ExperimentBudget Quick { get; } = new(BudgetLevel.Quick);
    public static ExperimentBudget Full { get; } = new(BudgetLevel.Full);

    /// <summary>The value that belongs to this budget, e.g. <c>budget.Pick(tiny: 2, quick: 30, full: 200)</c> epochs.</summary>
    public T Pick<T>(T tiny, T quick, T full) => Level switch
    {
        BudgetLevel.Tiny => tiny,
        BudgetLevel.Quick => quick,
        _ => full,
    };
}

/// <summary>
/// What an experiment produced: named numbers, saved figures and result tables; <paramref name="TopLevel"/> entries are
/// added at the top level of metrics.json and the <c>--json</c> output, for commands whose JSON shape is specified.
/// </summary>
internal sealed record ExperimentResult(
    IReadOnlyDictionary<string, object?> Metrics,
    IReadOnlyList<FigureRecord> Figures,
    IReadOnlyList<ResultTable> Tables,
    IReadOnlyDictionary<string, object?>? TopLevel = null);
