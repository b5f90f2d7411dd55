using Overfit.Plotting;
using ScottPlot;

namespace Overfit.Cli.Experiments;

internal sealed partial class DropoutExperiment
{
    private static Figure DrawFigure(IReadOnlyList<TrainingRun> runs)
    {
        var figure = new Figure(rows: 1, columns: 2, panelWidth: 760, panelHeight: 520);
        // The same epoch axis in both panels shows at a glance how much longer the dropout model trains.
        int lastEpoch = runs.Max(r => r.EpochsRun);
        for (int i = 0; i < runs.Count; i++)
        {
            var run = runs[i];
            var panel = figure.Panel(i);
            string title = run.WithDropout ? "With dropout" : "Without dropout";
            panel.Lines(title, "epoch", "accuracy (fraction correct)",
            [
                Series.OverIndex("train (during training)", run.TrainAccuracy, start: 1),
                Series.OverIndex("validation", run.ValidationAccuracy, start: 1),
            ]);
            if (run.BestEpoch > 0)
            {
                var line = panel.Add.VerticalLine(run.BestEpoch, 1.5f, FigureStyle.ReferenceLineColor, LinePattern.Dotted);
                line.LegendText = $"best epoch {run.BestEpoch}" + (run.StoppedEarly ? $" (stopped at {run.EpochsRun})" : "");
            }
            panel.Axes.SetLimits(0, lastEpoch + 1, 0.45, 1.02);
            FigureStyle.ShowLegendIfLabelled(panel, Alignment.LowerRight);
        }
        return figure;
    }
}
