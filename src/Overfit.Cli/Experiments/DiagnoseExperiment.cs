using System.CommandLine;
using Overfit.Cli.Infrastructure;
using Overfit.Data.Synthetic;
using Overfit.NN;
using Spectre.Console;

namespace Overfit.Cli.Experiments;

/// <summary>
/// <c>overfit diagnose</c>: whether, when and how strongly a training history overfits (<see cref="OverfittingReport"/>:
/// validation minimum, generalization-gap trend, Prechelt's GL_α, PQ_α and UP_s with strips of k epochs).
/// With <c>--history FILE</c> it reads a CSV (<c>epoch,train_loss,val_loss[,train_acc,val_acc]</c>) or a metrics.json
/// (<see cref="HistoryFile"/>); without it, it records fresh histories: the dropout experiment's two networks trained for
/// a fixed number of epochs without early stopping. <c>--json</c> prints
/// <c>{"overfits":…,"onset_epoch":…,"best_epoch":…,"criteria":{"GL":…,"PQ":…,"UP":…}}</c> (one such object per history,
/// keyed by name, when the file holds several).
/// </summary>
internal sealed partial class DiagnoseExperiment : IExperiment
{
    private readonly Option<string?> _history = new("--history") { Description = "Recorded history: CSV (epoch,train_loss,val_loss[,train_acc,val_acc]) or a run's metrics.json; default: train the dropout experiment's networks", HelpName = "FILE" };
    private readonly Option<int?> _epochs = new("--epochs") { Description = "Epochs of the fresh histories when no --history is given (default from --budget: tiny 6, quick 20, full 100)" };
    private readonly Option<double> _glAlpha = new("--gl-alpha") { Description = "GL threshold: percent above the validation minimum", DefaultValueFactory = _ => 5.0 };
    private readonly Option<double> _pqAlpha = new("--pq-alpha") { Description = "PQ threshold on generalization loss / training progress", DefaultValueFactory = _ => 3.0 };
    private readonly Option<int> _upStrips = new("--up-strips") { Description = "UP: successive strips with a rising validation loss", DefaultValueFactory = _ => 2 };
    private readonly Option<int> _strip = new("--strip") { Description = "Strip length k in epochs for PQ and UP", DefaultValueFactory = _ => 5 };

    /// <summary>The command name.</summary>
    public string Name => "diagnose";

    /// <summary>One sentence for --help and the report.</summary>
    public string Description => "Diagnose overfitting from a training history (validation minimum, gap trend, Prechelt's GL, PQ and UP criteria)";

    /// <summary>--history, --epochs and the criteria's thresholds.</summary>
    public IReadOnlyList<Option> Options => [_history, _epochs, _glAlpha, _pqAlpha, _upStrips, _strip];

    /// <summary>Reads or records the histories, analyses each and draws their curves.</summary>
    public ExperimentResult Run(RunContext context, ExperimentBudget budget)
    {
        string? path = context.GetOption(_history, null);
        double glAlpha = context.GetOption(_glAlpha, 5.0), pqAlpha = context.GetOption(_pqAlpha, 3.0);
        int upStrips = context.GetOption(_upStrips, 2), strip = context.GetOption(_strip, 5);
        if (!(glAlpha > 0)) throw new ArgumentOutOfRangeException(nameof(glAlpha), glAlpha, $"--gl-alpha: expected a positive percentage, got {glAlpha}");
        if (!(pqAlpha > 0)) throw new ArgumentOutOfRangeException(nameof(pqAlpha), pqAlpha, $"--pq-alpha: expected a positive number, got {pqAlpha}");
        if (upStrips < 1) throw new ArgumentOutOfRangeException(nameof(upStrips), upStrips, $"--up-strips: expected at least 1, got {upStrips}");
        if (strip < 1) throw new ArgumentOutOfRangeException(nameof(strip), strip, $"--strip: expected at least 1 epoch, got {strip}");
        context.RecordSetting("criteria", $"GL{glAlpha}, PQ{pqAlpha}, UP{upStrips}, strip length k = {strip}");

        IReadOnlyList<(string Name, LossHistory History)> histories;
        if (path is not null)
        {
            context.RecordSetting("history", Path.GetFullPath(path));
            histories = HistoryFile.Read(path);
        }
        else
        {
            int epochs = context.GetOption(_epochs, null) ?? budget.Pick(6, 20, 100);
            if (epochs < strip) throw new ArgumentOutOfRangeException(nameof(epochs), epochs, $"--epochs: expected at least {strip} (one strip), got {epochs}");
            histories = RecordDropoutHistories(context, epochs);
        }

        var reports = new List<(string Name, LossHistory History, OverfittingReport Report)>();
        foreach (var (name, history) in histories)
        {
            try
            {
                reports.Add((name, history, OverfittingReport.Analyze(history, glAlpha, pqAlpha, upStrips, strip)));
            }
            catch (ArgumentException e) when (histories.Count > 1)
            {
                throw new ArgumentException($"history '{name}': {e.Message}", e);
            }
        }
        foreach (var (name, _, report) in reports) context.Console.MarkupLine($"{Markup.Escape(name)}: {Markup.Escape(report.Describe())}");

        var metrics = new Dictionary<string, object?>
        {
            ["histories"] = reports.ToDictionary(r => r.Name, r => (object?)Details(r.Report)),
        };
        var figure = context.SaveFigure(DrawFigure(reports), "diagnose",
            "Training and validation loss per epoch (top) and the generalization gap (bottom); dotted: the validation minimum, dashed: the overfitting onset");
        return new ExperimentResult(metrics, [figure], [ReportTable(reports.Select(r => (r.Name, (OverfittingReport?)r.Report)))]);
    }

    /// <summary>
    /// <c>--json</c>: the report object of the one history, or an object of them keyed by history name; a failed run prints
    /// its metrics.json document (status, error).
    /// </summary>
    public object JsonSummary(RunRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        if (!record.Succeeded || record.Result.Metrics.GetValueOrDefault("histories") is not Dictionary<string, object?> histories) return record.ToDocument();
        var trimmed = histories.ToDictionary(h => h.Key, h => (object?)((Dictionary<string, object?>)h.Value!)
            .Where(kv => kv.Key is "overfits" or "onset_epoch" or "best_epoch" or "criteria").ToDictionary(kv => kv.Key, kv => kv.Value));
        return trimmed.Count == 1 ? trimmed.Single().Value! : trimmed;
    }

    /// <summary>One row per history: verdict, onset, minimum, strength and where each criterion fires ("—" for a history too short to judge).</summary>
    internal static ResultTable ReportTable(IEnumerable<(string Name, OverfittingReport? Report)> reports)
    {
        var table = new ResultTable("Overfitting diagnosis (Prechelt's criteria: first epoch each fires)",
            "history", "overfits", "onset epoch", "best epoch", "best val loss", "sustained GL (%)", "gap trend / epoch", "GL", "PQ", "UP");
        foreach (var (name, r) in reports)
        {
            if (r is null) { table.AddRow(name, "—", "", "", "", "", "", "", "", ""); continue; }
            table.AddRow([name, r.Overfits ? "yes" : "no", r.OnsetEpoch?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "—", r.BestEpoch,
                r.BestValidationLoss, Math.Round(r.SustainedGeneralizationLoss, 2), r.GapTrend,
                .. r.Criteria.Select(c => (object?)(c.StopEpoch is int e ? $"{c.Name}: {e}" : $"{c.Name}: never"))]);
        }
        return table;
    }

    /// <summary>The report as metrics: the --json object plus the numbers behind the verdict.</summary>
    internal static Dictionary<string, object?> Details(OverfittingReport report)
    {
        var details = report.ToJsonObject();
        details["epochs"] = report.Epochs;
        details["best_validation_loss"] = report.BestValidationLoss;
        details["final_validation_loss"] = report.FinalValidationLoss;
        details["final_generalization_loss_percent"] = report.FinalGeneralizationLoss;
        details["sustained_generalization_loss_percent"] = report.SustainedGeneralizationLoss;
        details["gap_at_best"] = report.GapAtBest;
        details["gap_at_end"] = report.GapAtEnd;
        details["gap_trend_per_epoch"] = report.GapTrend;
        details["verdict"] = report.Describe();
        return details;
    }

    /// <summary>The dropout experiment's networks (with and without dropout) trained for <paramref name="epochs"/> epochs, no early stopping.</summary>
    private static IReadOnlyList<(string, LossHistory)> RecordDropoutHistories(RunContext context, int epochs)
    {
        context.RecordSetting("history", $"recorded: the dropout experiment's 30-128-256-128-1 networks (Dropout 0.5 or none), {epochs} epochs without early stopping");
        var data = ChapterData.Dropout(seed: context.Seed);
        var train = DropoutExperiment.Dataset(data.XTrain, data.YTrain);
        var validation = DropoutExperiment.Dataset(data.XTest, data.YTest);
        var result = new List<(string, LossHistory)>();
        foreach (bool withDropout in new[] { false, true })
        {
            string label = withDropout ? "with_dropout" : "without_dropout";
            // Patience beyond the last epoch: the whole curve is recorded (weights are not restored, nothing is cut).
            var run = context.Track($"recording {label.Replace('_', ' ')}", epochs,
                tick => DropoutExperiment.Train(context, withDropout, 0.5, epochs, epochs + 1, train, validation, tick));
            result.Add((label, new LossHistory(run.TrainLoss, run.ValidationLoss, trainAccuracy: run.TrainAccuracy, validationAccuracy: run.ValidationAccuracy)));
        }
        return result;
    }
}
