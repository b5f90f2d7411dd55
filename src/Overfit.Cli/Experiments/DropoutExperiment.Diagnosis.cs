using Overfit.Cli.Infrastructure;
using Overfit.NN;

namespace Overfit.Cli.Experiments;

internal sealed partial class DropoutExperiment
{
    /// <summary>The overfitting report of a run's recorded history; null when it is shorter than one strip of 5 epochs.</summary>
    private static OverfittingReport? Diagnose(TrainingRun run) =>
        run.EpochsRun < 5 ? null : OverfittingReport.Analyze(new LossHistory(run.TrainLoss, run.ValidationLoss));

    private static ResultTable DiagnosisTable(IReadOnlyList<TrainingRun> runs) =>
        DiagnoseExperiment.ReportTable(runs.Select(r => (r.Label, Diagnose(r))));
}
