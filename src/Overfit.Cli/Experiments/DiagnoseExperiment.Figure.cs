using Overfit.NN;
using Overfit.Plotting;
using ScottPlot;

namespace Overfit.Cli.Experiments;

internal sealed partial class DiagnoseExperiment
{
    /// <summary>One column per history: the two loss curves with the minimum and the onset marked, and the gap below.</summary>
    private static Figure DrawFigure(IReadOnlyList<(string Name, LossHistory History, OverfittingReport Report)> reports)
    {
        var figure = new Figure(rows: 2, columns: reports.Count, panelWidth: 640, panelHeight: 420);
        for (int i = 0; i < reports.Count; i++)
        {
            var (name, history, report) = reports[i];
            double[] epochs = history.Epochs.Select(e => (double)e).ToArray();
            var losses = figure.Panel(0, i);
            losses.Lines($"{name}: {(report.Overfits ? "overfits" : "does not overfit")}", "epoch", "loss",
            [
                new Series("train", epochs, history.TrainLoss.ToArray()),
                new Series("validation", epochs, history.ValidationLoss.ToArray()),
            ]);
            Mark(losses, report, Alignment.LowerLeft);
            var gap = figure.Panel(1, i);
            gap.Lines("generalization gap", "epoch", "validation − train loss",
                [new Series("gap", epochs, history.ValidationLoss.Select((v, t) => v - history.TrainLoss[t]).ToArray())]);
            Mark(gap, report, Alignment.UpperLeft);
        }
        return figure;
    }

    private static void Mark(Plot panel, OverfittingReport report, Alignment legend)
    {
        var best = panel.Add.VerticalLine(report.BestEpoch, 1.5f, FigureStyle.ReferenceLineColor, LinePattern.Dotted);
        best.LegendText = $"validation minimum (epoch {report.BestEpoch})";
        if (report.OnsetEpoch is int onset)
        {
            var line = panel.Add.VerticalLine(onset, 1.5f, FigureStyle.SeriesColor(3), LinePattern.Dashed);
            line.LegendText = $"onset (epoch {onset})";
        }
        FigureStyle.ShowLegendIfLabelled(panel, legend);
    }
}
