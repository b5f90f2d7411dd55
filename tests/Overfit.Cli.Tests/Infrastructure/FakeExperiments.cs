using Overfit.Cli.Experiments;
using Overfit.Cli.Infrastructure;
using Overfit.Plotting;

namespace Overfit.Cli.Tests.Infrastructure;

/// <summary>A small experiment that draws one curve whose length follows the budget; or fails on purpose.</summary>
internal sealed class FakeExperiment(string name, string? failWith = null) : IExperiment
{
    public string Name => name;
    public string Description => $"Fake experiment <{name}> for tests";

    public ExperimentResult Run(RunContext context, ExperimentBudget budget)
    {
        if (failWith is not null) throw new InvalidOperationException(failWith + Environment.NewLine + "second line");
        int steps = budget.Pick(tiny: 5, quick: 10, full: 20);
        context.RecordSetting("steps", steps);
        var values = context.Track("fake work", steps, tick =>
        {
            var ys = new double[steps];
            var generator = context.CreateGenerator();
            for (int i = 0; i < steps; i++)
            {
                ys[i] = generator.NextDouble();
                tick.Advance();
            }
            return ys;
        });
        var figure = new Figure();
        figure.Panel(0).Lines("fake curve", "step", "value (a.u.)", [Series.OverIndex("values", values)]);
        var saved = context.SaveFigure(figure, "curve", "A fake curve");
        var table = new ResultTable("fake table", "step", "value");
        for (int i = 0; i < steps; i++) table.AddRow(i, values[i]);
        context.SaveCsv(table, "values.csv");
        context.Note("a note for the report");
        return new ExperimentResult(new Dictionary<string, object?> { ["steps"] = steps, ["sum"] = values.Sum() }, [saved], [table]);
    }
}
