using System.CommandLine;
using System.Globalization;
using Overfit.Cli.Infrastructure;
using Overfit.Data.Synthetic;
using Overfit.GaussianProcesses;
using Overfit.Plotting;

namespace Overfit.Cli.Experiments;

/// <summary>
/// <c>overfit gp regress --csv FILE --x COLS --y COL</c>: Gaussian-process regression on a user's own table.
/// The default kernel is Constant × Matern(ν=2.5, one length scale per input column) + White noise, fitted by
/// maximizing the marginal likelihood from several seeded starts with normalized targets. Predictions with
/// their standard deviation go to a CSV (at the training inputs, or on a grid with <c>--grid</c> for one input);
/// one input column also gives a figure. Without <c>--csv</c> (and in the tour) it runs on the chapter's noisy
/// sine from the deep-kernel example, written next to the results.
/// </summary>
internal sealed partial class GpRegressExperiment : IExperiment
{
    public const string PredictionsFile = "predictions.csv";
    public const string DemoDataFile = "demo-data.csv";

    private readonly Option<string?> _csv = new("--csv") { Description = "CSV file with a header row (default: the chapter's noisy sine as a demo)", HelpName = "FILE" };
    private readonly Option<string?> _x = new("--x") { Description = "Input columns: names or 0-based indices, comma-separated (default: every column but --y)", HelpName = "COLS" };
    private readonly Option<string?> _y = new("--y") { Description = "Target column: name or 0-based index (default: the last column)", HelpName = "COL" };
    private readonly Option<int> _grid = new("--grid") { Description = "With one input column: predict on N evenly spaced points over its range instead of at the training inputs", HelpName = "N" };
    private readonly Option<string> _kernel = new("--kernel") { Description = "Covariance: matern (ν=2.5) or rbf, each scaled by a constant, with one length scale per input, plus white noise", HelpName = "matern|rbf", DefaultValueFactory = _ => "matern" };
    private readonly Option<int?> _restarts = new("--restarts") { Description = $"Extra optimizer starts drawn from the seed (the best marginal likelihood wins; default 3, or 0 above {RestartRowLimit} rows)", HelpName = "N" };

    /// <summary>Most points of <c>--grid</c>: a million predictions are already a 100 MB CSV.</summary>
    public const int MaxGridPoints = 1_000_000;

    /// <summary>
    /// Above this many rows the default is no extra optimizer starts: each start draws its hyperparameters log-uniformly
    /// over the kernel's whole bounds (length scales from 1e-5 to 1e5), needs several times the likelihood evaluations of
    /// the data-informed first start, and at that size each evaluation is an O(n³) factorization.
    /// </summary>
    public const int RestartRowLimit = 2_000;

    public GpRegressExperiment() => _kernel.AcceptOnlyFromAmong("matern", "rbf");

    public string Name => "gp regress";

    public string Description => "Gaussian-process regression on your own CSV: predictions with standard deviations, and a figure for one input column";

    public IReadOnlyList<Option> Options => [_csv, _x, _y, _grid, _kernel, _restarts, _method, _inducing];

    public ExperimentResult Run(RunContext context, ExperimentBudget budget)
    {
        string? csvPath = context.GetOption<string?>(_csv, null);
        int grid = context.GetOption(_grid, 0);
        string kernelName = context.GetOption(_kernel, "matern");
        int? restartsOption = context.GetOption(_restarts, null);
        if (grid < 0) throw new ArgumentException($"--grid: expected a number of points >= 2 (or 0 for the training inputs), got {grid}");
        if (grid > MaxGridPoints) throw new ArgumentException($"--grid: expected at most {MaxGridPoints:N0} points, got {grid:N0}");
        if (grid == 1) throw new ArgumentException("--grid: expected a number of points >= 2 (or 0 for the training inputs), got 1");
        if (restartsOption < 0) throw new ArgumentException($"--restarts: expected a count >= 0, got {restartsOption}");

        var table = LoadTable(context, csvPath, budget);
        string? ySpec = context.GetOption<string?>(_y, null);
        int yColumn = ySpec is null ? table.Header.Count - 1 : table.ColumnIndices(ySpec, "--y") is [var single] ? single
            : throw new ArgumentException($"--y: expected exactly one target column, got '{ySpec}'");
        string? xSpec = context.GetOption<string?>(_x, null);
        int[] xColumns = xSpec is null ? Enumerable.Range(0, table.Header.Count).Where(c => c != yColumn).ToArray() : table.ColumnIndices(xSpec, "--x");
        if (xColumns.Length == 0) throw new ArgumentException($"--x: expected at least one input column besides the target '{table.Header[yColumn]}', got none");
        if (xColumns.Contains(yColumn)) throw new ArgumentException($"--x: expected input columns other than the target '{table.Header[yColumn]}', got '{xSpec}'");
        if (grid > 0 && xColumns.Length != 1) throw new ArgumentException($"--grid: expected exactly one input column, got {xColumns.Length}");

        double[,] x = table.Numbers(xColumns);
        double[] y = Flatten(table.Numbers([yColumn]));
        int n = y.Length, d = xColumns.Length;
        if (n < 2) throw new ArgumentException($"--csv: expected at least 2 data rows, got {n}");
        string[] inputNames = xColumns.Select(c => table.Header[c]).ToArray();
        string targetName = table.Header[yColumn];
        context.RecordSetting("inputs", inputNames);
        context.RecordSetting("target", targetName);
        context.RecordSetting("rows", n);
        int restarts = restartsOption ?? (n > RestartRowLimit ? 0 : budget.Pick(tiny: 1, quick: 3, full: 3));
        if (restartsOption is null && n > RestartRowLimit)
            context.Note($"{n} rows: no extra optimizer starts by default (each would cost tens of O(n³) likelihood evaluations); add them with --restarts N");
        context.RecordSetting("restarts", restarts);

        var kernel = DefaultKernel(kernelName, x);
        context.RecordSetting("initial_kernel", kernel.ToString());
        var gp = FitModel(context, kernel, x, y, restarts);
        foreach (var warning in gp.Warnings) context.Note(warning);

        var (trainMean, trainStd) = gp.Predict(x);
        double rmse = Math.Sqrt(PolyfitExperiment.Mse(y, trainMean));
        RequireFiniteBand(trainMean, trainStd, targetName);
        var predictions = grid > 0 ? GridPredictions(gp, x, grid, inputNames[0]) : TrainingPredictions(x, y, trainMean, trainStd, inputNames, targetName);
        context.SaveCsv(predictions, PredictionsFile);

        var summary = new ResultTable("Gaussian-process fit", "quantity", "value");
        summary.AddRow("fitted kernel", gp.FittedKernel!.ToString());
        summary.AddRow(gp.ObjectiveLabel, gp.LogMarginalLikelihoodValue);
        summary.AddRow($"RMSE at the training inputs ({targetName})", rmse);
        summary.AddRow("mean posterior std at the training inputs", trainStd.Average());
        summary.AddRow("predictions", grid > 0 ? $"{PredictionsFile} ({grid} grid points)" : $"{PredictionsFile} (training inputs)");

        var figures = new List<FigureRecord>();
        if (d == 1)
            figures.Add(context.SaveFigure(DrawFigure(gp, Flatten(x), y, inputNames[0], targetName), "gp-regress",
                $"Posterior mean and 95% band (mean ± 1.96 std) of {targetName} against {inputNames[0]}, with the data"));

        var metrics = new Dictionary<string, object?>
        {
            ["rows"] = n,
            ["inputs"] = inputNames,
            ["target"] = targetName,
            ["fitted_kernel"] = gp.FittedKernel!.ToString(),
            ["log_marginal_likelihood"] = gp.IsExact ? gp.LogMarginalLikelihoodValue : null,
            ["elbo"] = gp.IsExact ? null : gp.LogMarginalLikelihoodValue,
            ["method"] = gp.IsExact ? "exact" : "sparse",
            ["inducing"] = gp.IsExact ? null : gp.Inducing,
            ["train_rmse"] = rmse,
            ["mean_train_std"] = trainStd.Average(),
            ["predictions_file"] = PredictionsFile,
            ["prediction_rows"] = predictions.Rows.Count,
            ["figure"] = d == 1,
        };
        return new ExperimentResult(metrics, figures, [summary]);
    }

    private static CsvData LoadTable(RunContext context, string? csvPath, ExperimentBudget budget)
    {
        if (csvPath is not null)
        {
            if (!File.Exists(csvPath)) throw new ArgumentException($"--csv: expected an existing CSV file, got '{csvPath}' (not found)");
            context.RecordSetting("data", Path.GetFullPath(csvPath));
            return CsvData.Read(csvPath);
        }
        // The deep-kernel example's data: x = linspace(-10, 10, n), y = sin(x) + 0.1 randn(n) after np.random.seed(seed).
        var demo = ChapterData.DeepKernelSine(context.Seed, points: budget.Pick(tiny: 30, quick: 60, full: 100));
        var demoTable = new ResultTable("demo data", "x", "y");
        for (int i = 0; i < demo.X.Length; i++) demoTable.AddRow(demo.X[i].ToString("R", CultureInfo.InvariantCulture), demo.Y[i].ToString("R", CultureInfo.InvariantCulture));
        string path = context.PathFor(DemoDataFile);
        context.SaveCsv(demoTable, DemoDataFile);
        context.RecordSetting("data", $"demo: the chapter's noisy sine (y = sin(x) + 0.1 N(0, 1), {demo.X.Length} points), written to {DemoDataFile}");
        return CsvData.Read(path);
    }

    /// <summary>Constant × (Matern or RBF with one length scale per column, started at the column's spread) + White.</summary>
    private static Kernel DefaultKernel(string name, double[,] x)
    {
        int n = x.GetLength(0), d = x.GetLength(1);
        var scales = new double[d];
        for (int j = 0; j < d; j++)
        {
            double lo = double.PositiveInfinity, hi = double.NegativeInfinity;
            for (int i = 0; i < n; i++) { lo = Math.Min(lo, x[i, j]); hi = Math.Max(hi, x[i, j]); }
            scales[j] = hi > lo ? (hi - lo) / 4 : 1.0;
        }
        Kernel shape = name == "rbf" ? new RBF(scales) : new Matern(scales, nu: 2.5);
        // Targets are normalized, so unit signal variance and a small noise level are neutral starting points.
        return new ConstantKernel(1.0, lower: 1e-3, upper: 1e3) * shape + new WhiteKernel(0.1, lower: 1e-8, upper: 10);
    }

    private static double[] Flatten(double[,] column)
    {
        var values = new double[column.GetLength(0)];
        for (int i = 0; i < values.Length; i++) values[i] = column[i, 0];
        return values;
    }
}
