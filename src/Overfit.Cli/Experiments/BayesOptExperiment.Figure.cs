using Overfit.BayesianOptimization;
using Overfit.Plotting;
using ScottPlot;

namespace Overfit.Cli.Experiments;

internal sealed partial class BayesOptExperiment
{
    /// <summary>Regrets below this are drawn at it, so that a found optimum stays on the log scale.</summary>
    private const double RegretFloor = 1e-8;

    private static Figure DrawFigure(SyntheticFunction function, IReadOnlyList<Curves> curves)
    {
        var figure = new Figure(rows: 1, columns: 2, panelWidth: 780, panelHeight: 540);
        var x = Enumerable.Range(1, curves[0].BestSoFarMedian.Length).Select(i => (double)i).ToArray();
        var values = figure.Panel(0).LinesWithBands($"{function.Name}: best value found so far", "evaluation", $"best {function.Name}(x) so far (lower is better)",
            curves.Select(c => new BandSeries($"{c.Label} (median, IQR)", x, c.BestSoFarMedian, c.Lower, c.Upper)), markers: false);
        values.HorizontalReference(function.OptimalValue, $"known optimum {function.OptimalValue:G6}");

        double[] Log(double[] v) => v.Select(r => Math.Log10(Math.Max(r - function.OptimalValue, RegretFloor))).ToArray();
        var regret = figure.Panel(1).LinesWithBands($"{function.Name}: simple regret", "evaluation", "best so far − optimum (log scale)",
            curves.Select(c => new BandSeries($"{c.Label} (median, IQR)", x, Log(c.BestSoFarMedian), Log(c.Lower), Log(c.Upper))), markers: false);
        var logs = curves.SelectMany(c => Log(c.Lower).Concat(Log(c.Upper))).ToArray();
        if (logs.Max() - logs.Min() < 2.5) regret.Axes.Left.TickGenerator = OneTwoFiveTicks(logs.Min(), logs.Max());
        else regret.LogScaleY();
        FigureStyle.ShowLegendIfLabelled(regret, Alignment.UpperRight);
        return figure;
    }

    /// <summary>
    /// Labelled ticks at 1, 2 and 5 times powers of ten for a log axis spanning few decades, where decade
    /// ticks alone would leave one label or none.
    /// </summary>
    private static ScottPlot.TickGenerators.NumericManual OneTwoFiveTicks(double minLog, double maxLog)
    {
        var ticks = new List<Tick>();
        for (int decade = (int)Math.Floor(minLog) - 1; decade <= (int)Math.Ceiling(maxLog) + 1; decade++)
            foreach (var m in new[] { 1.0, 2.0, 5.0 })
            {
                double value = m * Math.Pow(10, decade);
                ticks.Add(new Tick(Math.Log10(value), value.ToString("G3", System.Globalization.CultureInfo.InvariantCulture)));
            }
        return new ScottPlot.TickGenerators.NumericManual(ticks.ToArray());
    }
}
