using Overfit.Plotting;
using ScottPlot;

namespace Overfit.Cli.Experiments;

internal sealed partial class UncertaintyExperiment
{
    private static Figure DrawEntropyFigure(ClassificationOutcome outcome)
    {
        var figure = new Figure(rows: 1, columns: 3, panelWidth: 620, panelHeight: 460);
        double[] angles = Angles.Select(a => (double)a).ToArray();
        var entropy = figure.Panel(0);
        entropy.Lines("Uncertainty of rotated test images", "rotation (degrees)", "nats",
        [
            new Series("predictive entropy", angles, outcome.Rotations.Select(r => r.Entropy).ToArray()),
            new Series("mutual information", angles, outcome.Rotations.Select(r => r.MutualInformation).ToArray()),
        ], markers: true);
        entropy.HorizontalReference(Math.Log(10), "ln 10 (uniform over 10 classes)");
        entropy.Axes.SetLimitsY(0, 3.3);
        FigureStyle.ShowLegendIfLabelled(entropy, Alignment.UpperRight);
        figure.Panel(1).Lines("Accuracy of the MC average", "rotation (degrees)", "accuracy",
            [new Series("accuracy", angles, outcome.Rotations.Select(r => r.Accuracy).ToArray())], markers: true);
        var sets = new[] { outcome.InDomain, outcome.Rotations[6] }.Concat(outcome.OutOfDomain).ToArray();
        figure.Panel(2).GroupedBars("Predictive entropy by input", "mean entropy (nats)",
            ["test", "rotated 90°", "inverted", "noise"], [new Overfit.Plotting.BarSeries("entropy", sets.Select(s => s.Entropy).ToArray())]);
        return figure;
    }

    private static Figure DrawRegressionFigure(RegressionOutcome outcome)
    {
        var split = outcome.Splits[0];
        var order = Enumerable.Range(0, split.Mean.Length).OrderBy(i => split.Mean[i]).ToArray();
        double[] x = Enumerable.Range(1, order.Length).Select(i => (double)i).ToArray();
        var figure = new Figure(rows: 1, columns: 1, panelWidth: 820, panelHeight: 480);
        figure.Panel(0).MeanWithBand($"{outcome.DataName}: test points of split 1, sorted by predicted mean", "test point (sorted)", "target",
            x, order.Select(i => split.Mean[i]).ToArray(),
            order.Select(i => split.Mean[i] - 2 * split.Std[i]).ToArray(), order.Select(i => split.Mean[i] + 2 * split.Std[i]).ToArray(),
            meanLabel: "MC dropout mean", bandLabel: "± 2 predictive std",
            observations: new Series("observed", x, order.Select(i => split.TestY[i]).ToArray()));
        return figure;
    }
}
