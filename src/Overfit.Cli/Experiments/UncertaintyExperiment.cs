using System.CommandLine;
using Overfit.Cli.Infrastructure;

namespace Overfit.Cli.Experiments;

/// <summary>
/// <c>overfit uncertainty</c>: Monte Carlo dropout (Gal &amp; Ghahramani 2016) as an uncertainty estimate.
/// Regression follows the paper's UCI protocol — one hidden layer of 50 ReLU units, dropout on the input and hidden
/// layer, random 90/10 splits, inputs and targets standardized on the training part, Adam, batches of 32, 40 epochs,
/// weight decay λ = (1 − p)·l²/(2Nτ) — on the diabetes data (or a CSV given with <c>--csv</c>) and reports the
/// test RMSE and test log-likelihood of the MC average (mean ± standard error over the splits) next to the RMSE of the
/// standard weight-averaged prediction. Classification trains a dropout MLP on Fashion-MNIST and shows how the MC
/// predictive entropy rises on rotated test images and out-of-domain inputs.
/// </summary>
internal sealed partial class UncertaintyExperiment : IExperiment
{
    /// <summary>Hidden units of the regression network (the paper's 50).</summary>
    public const int HiddenUnits = 50;

    /// <summary>Mini-batch size of the regression protocol.</summary>
    public const int BatchSize = 32;

    /// <summary>Prior length-scale l of the paper's code.</summary>
    public const double DefaultLengthScale = 1e-2;

    private readonly Option<string?> _csv = new("--csv") { Description = "Regression table with a header row (e.g. a UCI set saved as CSV); default: the diabetes data", HelpName = "FILE" };
    private readonly Option<string?> _target = new("--target") { Description = "Target column of --csv (name or 0-based index; default: the last column)", HelpName = "COL" };
    private readonly Option<int?> _splits = new("--splits") { Description = "Random 90/10 splits (default from --budget: tiny 3, quick 20, full 20)" };
    private readonly Option<int?> _epochs = new("--epochs") { Description = "Training epochs per split (default from --budget: tiny 10, quick 40, full 40)" };
    private readonly Option<int?> _samples = new("--samples") { Description = "Stochastic passes T (default from --budget: tiny 50, quick 1000, full 10000)" };
    private readonly Option<double> _dropout = new("--dropout") { Description = "Dropout probability of the regression network", DefaultValueFactory = _ => 0.05 };
    private readonly Option<double> _lengthScale = new("--length-scale") { Description = "Prior length-scale l in the weight decay", DefaultValueFactory = _ => DefaultLengthScale };
    private readonly Option<double[]?> _tau = new("--tau")
    {
        Description = "Model precision τ of the standardized targets; several values are chosen between per split by the log-likelihood on 20% of the training part (default: full 0.5 1 2 4, otherwise 2)",
        AllowMultipleArgumentsPerToken = true,
        HelpName = "TAU",
    };
    private readonly Option<string> _part = new("--part") { Description = "Which study to run: both, regression or classification", HelpName = "both|regression|classification", DefaultValueFactory = _ => "both" };
    private readonly Option<string?> _dataDirectory = new("--data") { Description = "Folder holding the Fashion-MNIST files (default: OVERFIT_DATA, the user cache, /usr/share/datasets)" };

    /// <summary>The command name.</summary>
    public string Name => "uncertainty";

    /// <summary>One sentence for --help and the report.</summary>
    public string Description => "Monte Carlo dropout: the paper's regression protocol on diabetes (RMSE, log-likelihood) and predictive entropy on rotated and out-of-domain Fashion-MNIST";

    /// <summary>Data, protocol and prior options.</summary>
    public IReadOnlyList<Option> Options => [_csv, _target, _splits, _epochs, _samples, _dropout, _lengthScale, _tau, _part, _dataDirectory];

    /// <summary>Runs the regression protocol, then the entropy study.</summary>
    public ExperimentResult Run(RunContext context, ExperimentBudget budget)
    {
        var settings = new RegressionSettings(
            Splits: context.GetOption(_splits, null) ?? budget.Pick(3, 20, 20),
            Epochs: context.GetOption(_epochs, null) ?? budget.Pick(10, 40, 40),
            Samples: context.GetOption(_samples, null) ?? budget.Pick(50, 1000, 10000),
            Dropout: context.GetOption(_dropout, 0.05),
            LengthScale: context.GetOption(_lengthScale, DefaultLengthScale),
            Taus: context.GetOption(_tau, null) is { Length: > 0 } taus ? taus : budget.Pick<double[]>([2.0], [2.0], [0.5, 1, 2, 4]));
        settings.Validate();
        string part = context.GetOption(_part, "both");
        if (part is not ("both" or "regression" or "classification"))
            throw new ArgumentException($"--part: expected both, regression or classification, got '{part}'");
        var metrics = new Dictionary<string, object?>();
        var figures = new List<FigureRecord>();
        var tables = new List<ResultTable>();
        if (part != "classification")
        {
            var data = LoadRegressionData(context, context.GetOption(_csv, null), context.GetOption(_target, null));
            var regression = RunRegression(context, data, settings);
            metrics["regression"] = regression.ToMetrics();
            tables.Add(regression.Table());
            figures.Add(context.SaveFigure(DrawRegressionFigure(regression), "uncertainty-regression",
                $"{data.Name}: MC dropout predictions on the first split's test points with ±2 predictive standard deviations"));
        }
        if (part != "regression")
        {
            var classification = RunClassification(context, budget, context.GetOption(_dataDirectory, null));
            metrics["classification"] = classification.ToMetrics();
            tables.Add(classification.Table());
            figures.Add(context.SaveFigure(DrawEntropyFigure(classification), "uncertainty-entropy",
                $"MC dropout predictive entropy on {classification.DataName} test images rotated by 0–180° and on out-of-domain inputs (T = {classification.Samples})"));
        }
        return new ExperimentResult(metrics, figures, tables);
    }
}
