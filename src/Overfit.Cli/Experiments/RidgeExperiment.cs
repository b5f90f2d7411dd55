using System.CommandLine;
using Overfit.Cli.Infrastructure;
using Overfit.Data.Random;
using Overfit.Data.Synthetic;
using Overfit.LinearModels;
using Overfit.LinearModels.ModelSelection;

namespace Overfit.Cli.Experiments;

/// <summary>
/// <c>overfit ridge</c>: the chapter's regularized polynomial regression — make_pipeline(PolynomialFeatures(10),
/// Ridge(alpha)) for alpha 0, 0.1 and 10 on a short, noisy sine, each panel against plain least squares
/// (numpy.polyfit of the same degree); <c>--model lasso|elasticnet</c> swaps the penalty. A second figure is
/// the validation curve over the degree: training error keeps falling while held-out error turns up.
/// </summary>
internal sealed partial class RidgeExperiment : IExperiment
{
    public const int Degree = 10;
    public const int GridPoints = 300;
    public const int Folds = 5;

    private readonly Option<string> _model = new("--model")
    {
        Description = "Penalized model: ridge (L2), lasso (L1) or elasticnet (L1 + L2)",
        HelpName = "ridge|lasso|elasticnet",
        DefaultValueFactory = _ => "ridge",
    };

    private readonly Option<double[]> _alphas = new("--alphas")
    {
        Description = "Penalty strengths, one panel each (the chapter's 0 0.1 10)",
        AllowMultipleArgumentsPerToken = true,
        HelpName = "ALPHA",
        DefaultValueFactory = _ => [0.0, 0.1, 10.0],
    };

    private readonly Option<double> _l1Ratio = new("--l1-ratio") { Description = "Share of the L1 penalty for elasticnet, in [0, 1]", HelpName = "R", DefaultValueFactory = _ => 0.5 };

    private readonly Option<int> _maxDegree = new("--max-degree") { Description = "Highest degree of the validation curve", HelpName = "N", DefaultValueFactory = _ => 15 };

    private readonly Option<double> _curveAlpha = new("--curve-alpha") { Description = "Penalty strength of the penalized model in the validation curve", HelpName = "ALPHA", DefaultValueFactory = _ => 0.1 };

    public RidgeExperiment() => _model.AcceptOnlyFromAmong("ridge", "lasso", "elasticnet");

    public string Name => "ridge";

    public string Description => "Degree-10 polynomial regression with ridge, lasso or elastic-net penalties against plain least squares, and a validation curve over the degree";

    public IReadOnlyList<Option> Options => [_model, _alphas, _l1Ratio, _maxDegree, _curveAlpha];

    public ExperimentResult Run(RunContext context, ExperimentBudget budget)
    {
        var settings = ReadSettings(context, budget);
        // The chapter draws the noise without a seed; the run's seed makes it reproducible.
        var data = ChapterData.NoisySineGaussian(new RandomState(context.Seed));
        context.RecordSetting("model", settings.Model);
        context.RecordSetting("degree", Degree);
        context.RecordSetting("alphas", settings.Alphas);
        if (settings.Model == "elasticnet") context.RecordSetting("l1_ratio", settings.L1Ratio);
        context.RecordSetting("max_iter", settings.MaxIter);
        context.RecordSetting("points", data.X.Length);
        context.RecordSetting("data", "x = pi/180 * i for i in range(40, 280, 8); y = sin(x) + normal(0, 0.4) from RandomState(seed)");

        double[,] x = Column(data.X);
        double[] grid = ChapterData.Linspace(data.X.Min(), data.X.Max(), GridPoints);
        var leastSquares = Polynomial.Fit(data.X, data.Y, Degree);
        var leastSquaresCurve = leastSquares.Evaluate(grid);
        double leastSquaresMse = PolyfitExperiment.Mse(data.Y, leastSquares.Evaluate(data.X));

        var fits = new List<AlphaFit>(settings.Alphas.Length);
        var table = new ResultTable($"{settings.Label} on degree-{Degree} polynomial features vs least squares", "alpha", "coefficient L2 norm", "nonzero coefficients", "train MSE", "least-squares train MSE");
        foreach (double alpha in settings.Alphas)
        {
            var pipeline = new Pipeline(new PolynomialFeatures(Degree), settings.Build(alpha));
            pipeline.Fit(x, data.Y);
            var model = (LinearModel)pipeline.Estimator;
            if (model is CoordinateDescentModel { ConvergenceWarning: { } warning }) context.Note($"alpha {alpha:G4}: {warning}");
            double norm = Math.Sqrt(model.Coefficients.Sum(c => c * c));
            int nonzero = model.Coefficients.Skip(1).Count(c => c != 0);   // the bias column's weight is always 0 (intercept)
            var fit = new AlphaFit(alpha, norm, nonzero, PolyfitExperiment.Mse(data.Y, pipeline.Predict(x)), pipeline.Predict(Column(grid)));
            fits.Add(fit);
            table.AddRow(alpha, norm, nonzero, fit.TrainMse, leastSquaresMse);
        }
        if (leastSquares.Warning is { } lsWarning) context.Note($"least squares, degree {Degree}: {lsWarning}");

        var curve = ValidationCurves(context, settings, x, data.Y);
        var curveTable = new ResultTable($"Validation curve ({Folds}-fold shuffled cross-validation, mean MSE)", "degree", "least squares train", "least squares validation", $"{settings.Label} train", $"{settings.Label} validation");
        for (int i = 0; i < curve.Degrees.Length; i++)
            curveTable.AddRow(curve.Degrees[i], curve.LeastSquares.Train[i], curve.LeastSquares.Validation[i], curve.Penalized.Train[i], curve.Penalized.Validation[i]);

        var fitsFigure = context.SaveFigure(DrawFits(data, grid, leastSquaresCurve, fits, settings), "ridge",
            $"{settings.Label} on degree-{Degree} polynomial features for each alpha, against least squares of the same degree");
        var curveFigure = context.SaveFigure(DrawValidationCurve(curve, settings), "ridge-validation-curve",
            $"Training and validation MSE against the polynomial degree ({Folds}-fold cross-validation; bands span the folds)");

        int best = Array.IndexOf(curve.Penalized.Validation, curve.Penalized.Validation.Min());
        var metrics = new Dictionary<string, object?>
        {
            ["model"] = settings.Model,
            ["alphas"] = settings.Alphas,
            ["coefficient_norm"] = fits.Select(f => f.CoefficientNorm).ToArray(),
            ["nonzero_coefficients"] = fits.Select(f => f.Nonzero).ToArray(),
            ["train_mse"] = fits.Select(f => f.TrainMse).ToArray(),
            ["least_squares_train_mse"] = leastSquaresMse,
            ["least_squares_poorly_conditioned"] = leastSquares.IsPoorlyConditioned,
            ["curve_degrees"] = curve.Degrees,
            ["curve_alpha"] = settings.CurveAlpha,
            ["curve_least_squares_train_mse"] = curve.LeastSquares.Train,
            ["curve_least_squares_validation_mse"] = curve.LeastSquares.Validation,
            ["curve_penalized_train_mse"] = curve.Penalized.Train,
            ["curve_penalized_validation_mse"] = curve.Penalized.Validation,
            ["best_degree_by_validation"] = curve.Degrees[best],
        };
        return new ExperimentResult(metrics, [fitsFigure, curveFigure], [table, curveTable]);
    }

    private Settings ReadSettings(RunContext context, ExperimentBudget budget)
    {
        string model = context.GetOption(_model, "ridge");
        double[] alphas = context.GetOption(_alphas, [0.0, 0.1, 10.0]);
        double l1Ratio = context.GetOption(_l1Ratio, 0.5);
        int maxDegree = context.GetOption(_maxDegree, 15);
        double curveAlpha = context.GetOption(_curveAlpha, 0.1);
        if (alphas.Length == 0) throw new ArgumentException("--alphas: expected at least one penalty strength, got none");
        foreach (double a in alphas)
            if (!(a >= 0) || double.IsInfinity(a)) throw new ArgumentException($"--alphas: expected finite values >= 0, got {a}");
        if (!(curveAlpha >= 0) || double.IsInfinity(curveAlpha)) throw new ArgumentException($"--curve-alpha: expected a finite value >= 0, got {curveAlpha}");
        if (!(l1Ratio >= 0 && l1Ratio <= 1)) throw new ArgumentException($"--l1-ratio: expected a value in [0, 1], got {l1Ratio}");
        // 30 points in 5 folds leave 24 for training: degree 23 is the most they can determine.
        if (maxDegree < 1 || maxDegree > 20) throw new ArgumentException($"--max-degree: expected a degree in [1, 20], got {maxDegree}");
        // Coordinate descent on raw powers of x converges slowly; the budget bounds the sweeps.
        int maxIter = budget.Pick(tiny: 1000, quick: 10_000, full: 20_000);
        return new Settings(model, alphas, l1Ratio, Math.Min(maxDegree, budget.Pick(tiny: 8, quick: maxDegree, full: maxDegree)), curveAlpha, maxIter);
    }

    private static CurveResult ValidationCurves(RunContext context, Settings settings, double[,] x, double[] y)
    {
        double[] degrees = Enumerable.Range(1, settings.MaxDegree).Select(d => (double)d).ToArray();
        var folds = new KFold(Folds, shuffle: true, seed: (ulong)context.Seed);
        return context.Track("validation curve", 2, tick =>
        {
            var leastSquares = CrossValidation.ValidationCurve(d => new Pipeline(new PolynomialFeatures((int)d), new LinearRegression()), degrees, x, y, folds, Scoring.NegMeanSquaredError);
            tick.Advance();
            var penalized = CrossValidation.ValidationCurve(d => new Pipeline(new PolynomialFeatures((int)d), settings.Build(settings.CurveAlpha)), degrees, x, y, folds, Scoring.NegMeanSquaredError);
            tick.Advance();
            return new CurveResult(degrees.Select(d => (int)d).ToArray(), CurvePair.From(leastSquares), CurvePair.From(penalized));
        });
    }

    private static double[,] Column(double[] values)
    {
        var column = new double[values.Length, 1];
        for (int i = 0; i < values.Length; i++) column[i, 0] = values[i];
        return column;
    }

    private sealed record Settings(string Model, double[] Alphas, double L1Ratio, int MaxDegree, double CurveAlpha, int MaxIter)
    {
        public string Label => Model switch { "lasso" => "Lasso", "elasticnet" => $"ElasticNet (l1_ratio {L1Ratio:G3})", _ => "Ridge" };

        public IRegressor Build(double alpha) => Model switch
        {
            "lasso" => new Lasso(alpha, maxIter: MaxIter),
            "elasticnet" => new ElasticNet(alpha, L1Ratio, maxIter: MaxIter),
            _ => new Ridge(alpha),
        };
    }

    private sealed record AlphaFit(double Alpha, double CoefficientNorm, int Nonzero, double TrainMse, double[] Curve);

    /// <summary>Per-degree MSE (mean over folds) with the smallest and largest fold value.</summary>
    private sealed record CurvePair(double[] Train, double[] TrainMin, double[] TrainMax, double[] Validation, double[] ValidationMin, double[] ValidationMax)
    {
        // Scores are −MSE (larger is better); the figure and metrics speak of MSE.
        public static CurvePair From(ValidationCurveResult r) => new(
            r.TrainScores.Select(s => -s.Average()).ToArray(), r.TrainScores.Select(s => -s.Max()).ToArray(), r.TrainScores.Select(s => -s.Min()).ToArray(),
            r.TestScores.Select(s => -s.Average()).ToArray(), r.TestScores.Select(s => -s.Max()).ToArray(), r.TestScores.Select(s => -s.Min()).ToArray());
    }

    private sealed record CurveResult(int[] Degrees, CurvePair LeastSquares, CurvePair Penalized);
}
