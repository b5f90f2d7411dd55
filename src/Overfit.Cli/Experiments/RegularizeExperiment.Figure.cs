using Overfit.Plotting;
using ScottPlot;
using BarSeries = Overfit.Plotting.BarSeries;

namespace Overfit.Cli.Experiments;

internal sealed partial class RegularizeExperiment
{
    private static Figure DrawBars(IReadOnlyList<Outcome> outcomes)
    {
        var names = outcomes.Select(o => o.Variant.Name).ToArray();
        var figure = new Figure(rows: 3, columns: 1, panelWidth: 1000, panelHeight: 400);
        figure.Panel(0).GroupedBars("Weight L2 norm", "‖w‖₂ (all weight matrices)", names,
            [new BarSeries("norm", outcomes.Select(o => o.WeightNorm).ToArray())]);
        figure.Panel(1).GroupedBars($"Sparsity: |w| < {SparsityThreshold:G}", "share of weights (%)", names,
            [new BarSeries("sparsity", outcomes.Select(o => 100 * o.Sparsity).ToArray())]);
        figure.Panel(2).GroupedBars("Accuracy", "accuracy (fraction correct)", names,
        [
            new BarSeries("train", outcomes.Select(o => o.TrainAccuracy).ToArray()),
            new BarSeries("test", outcomes.Select(o => o.TestAccuracy).ToArray()),
        ]);
        figure.Panel(2).Axes.SetLimitsY(0, 1.15);
        return figure;
    }

    /// <summary>Histogram of log10 |w| for the four penalty variants: L1 piles weights up near zero.</summary>
    private static Figure DrawHistogram(IReadOnlyList<Outcome> outcomes)
    {
        const double low = -6, high = 0;
        const int bins = 40;
        var figure = new Figure(rows: 1, columns: 1, panelWidth: 900, panelHeight: 560);
        var series = new List<Series>();
        foreach (var o in outcomes.Take(4))
        {
            var counts = new double[bins];
            foreach (var w in o.Weights)
            {
                double e = Math.Log10(Math.Max(Math.Abs(w), 1e-12));
                int b = (int)Math.Floor((Math.Clamp(e, low, high - 1e-9) - low) / (high - low) * bins);
                counts[b]++;
            }
            var centers = Enumerable.Range(0, bins).Select(b => low + (b + 0.5) * (high - low) / bins).ToArray();
            series.Add(new Series(o.Variant.Name, centers, counts.Select(c => 100 * c / o.Weights.Length).ToArray()));
        }
        var panel = figure.Panel(0).Lines("Final weight magnitudes", "log10 |w| (values below 1e-6 counted at -6)", "share of weights per bin (%)", series);
        panel.Add.VerticalLine(Math.Log10(SparsityThreshold), 1.5f, FigureStyle.ReferenceLineColor, LinePattern.Dotted).LegendText = "sparsity threshold";
        FigureStyle.ShowLegendIfLabelled(panel, Alignment.UpperLeft);
        return figure;
    }
}
