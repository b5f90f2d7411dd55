using Overfit.Plotting;
using Overfit.Tensors;
using ScottPlot;

namespace Overfit.Cli.Experiments;

internal sealed partial class BatchNormExperiment
{
    private static Figure DrawFigure(IReadOnlyList<Stage> stages, double gamma, double beta)
    {
        var figure = new Figure(rows: 1, columns: 3, panelWidth: 620, panelHeight: 560);
        string[] titles = ["Original data", "After normalization (γ=1, β=0)", $"After scale & shift (γ={gamma:G4}, β={beta:G4})"];
        string[] prefixes = ["Feature", "Normalized feature", "Scaled feature"];
        double[][] centers = [stages[0].Mean, [0.0, 0.0], [beta, beta]];
        string[] centerLabels = ["mean", "mean (0, 0)", $"new mean ({beta:G4}, {beta:G4})"];
        for (int i = 0; i < stages.Count; i++)
        {
            var points = stages[i].Points;
            var panel = figure.Panel(i);
            panel.Scatter(titles[i], $"{prefixes[i]} 1", $"{prefixes[i]} 2",
                [new Series("samples", Column(points, 0), Column(points, 1))]);
            if (i > 0)
            {
                // Dashed guides through the target mean, as in the chapter's figure.
                Guide(panel, -3, centers[i][1], 12, centers[i][1]);
                Guide(panel, centers[i][0], -3, centers[i][0], 12);
            }
            panel.Points([new LabelledPoint(centerLabels[i], centers[i][0], centers[i][1])], MarkerShape.FilledDiamond, colorIndex: 1);
            // The same limits on every panel make the shift and the shrinking of the cloud visible.
            panel.Axes.SetLimits(-3, 12, -3, 12);   // the chapter's batch scaled by γ=2 reaches below -2
        }
        return figure;
    }

    private static void Guide(Plot panel, double x1, double y1, double x2, double y2)
    {
        var line = panel.Add.Line(x1, y1, x2, y2);
        line.LineColor = FigureStyle.ReferenceLineColor.WithAlpha(0.5);
        line.LinePattern = LinePattern.Dashed;
        line.LineWidth = 1;
        line.MarkerSize = 0;
    }

    private static double[] Column(Tensor points, int column) => points.Select(1, column).Contiguous().ToDoubleArray();
}
