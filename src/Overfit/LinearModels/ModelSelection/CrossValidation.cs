using Overfit.LinearModels.Internal;

namespace Overfit.LinearModels.ModelSelection;

/// <summary>How a fitted regressor is scored on held-out data (higher is better, as in scikit-learn).</summary>
public enum Scoring
{
    /// <summary>Coefficient of determination (the regressors' default score).</summary>
    R2,
    /// <summary>−MSE, so that larger is better.</summary>
    NegMeanSquaredError,
}

/// <summary>Scores per split for a sequence of settings: [setting][split].</summary>
public sealed record ValidationCurveResult(double[] ParameterValues, double[][] TrainScores, double[][] TestScores);

/// <summary>Scores per split for growing training sets: [size][split].</summary>
public sealed record LearningCurveResult(int[] TrainSizes, double[][] TrainScores, double[][] TestScores);

/// <summary>
/// Cross-validation utilities (scikit-learn's cross_val_score, validation_curve, learning_curve): the under/overfitting
/// story as numbers — training scores keep rising with capacity while held-out scores peak and fall.
/// </summary>
public static class CrossValidation
{
    /// <summary>Held-out score of a fresh clone of <paramref name="estimator"/> on every split (default: 5 unshuffled folds).</summary>
    public static double[] CrossValScore(IRegressor estimator, double[,] x, double[] y, ICrossValidator? cv = null, Scoring scoring = Scoring.R2)
    {
        ArgumentNullException.ThrowIfNull(estimator);
        var (xv, yv) = Check(x, y);
        var scores = new List<double>();
        foreach (var (train, test) in (cv ?? new KFold(5)).Split(xv.Rows))
        {
            var model = estimator.CloneUnfitted().Fit(Rows(xv, train), Pick(yv, train));
            scores.Add(Score(model, Rows(xv, test), Pick(yv, test), scoring));
        }
        return [.. scores];
    }

    /// <summary>
    /// Train and test scores while one setting varies (polynomial degree, penalty α): <paramref name="build"/> makes the
    /// estimator for each value.
    /// </summary>
    public static ValidationCurveResult ValidationCurve(Func<double, IRegressor> build, double[] parameterValues, double[,] x, double[] y,
        ICrossValidator? cv = null, Scoring scoring = Scoring.R2)
    {
        ArgumentNullException.ThrowIfNull(build);
        ArgumentNullException.ThrowIfNull(parameterValues);
        if (parameterValues.Length == 0) throw new ArgumentException("parameterValues must hold at least one value, got none", nameof(parameterValues));
        var (xv, yv) = Check(x, y);
        var splits = (cv ?? new KFold(5)).Split(xv.Rows).ToArray();
        var trainScores = new double[parameterValues.Length][];
        var testScores = new double[parameterValues.Length][];
        for (int v = 0; v < parameterValues.Length; v++)
        {
            trainScores[v] = new double[splits.Length];
            testScores[v] = new double[splits.Length];
            for (int s = 0; s < splits.Length; s++)
            {
                var (train, test) = splits[s];
                var xTrain = Rows(xv, train);
                var yTrain = Pick(yv, train);
                var model = build(parameterValues[v]).Fit(xTrain, yTrain);
                trainScores[v][s] = Score(model, xTrain, yTrain, scoring);
                testScores[v][s] = Score(model, Rows(xv, test), Pick(yv, test), scoring);
            }
        }
        return new ValidationCurveResult((double[])parameterValues.Clone(), trainScores, testScores);
    }

    /// <summary>
    /// Train and test scores against training-set size. Sizes are fractions of the largest training split (in (0, 1])
    /// or absolute counts (&gt; 1); each model is fit on the first m indices of a split's training set.
    /// </summary>
    public static LearningCurveResult LearningCurve(IRegressor estimator, double[,] x, double[] y, double[]? trainSizes = null,
        ICrossValidator? cv = null, Scoring scoring = Scoring.R2)
    {
        ArgumentNullException.ThrowIfNull(estimator);
        var (xv, yv) = Check(x, y);
        var splits = (cv ?? new KFold(5)).Split(xv.Rows).ToArray();
        int maxTrain = splits[0].Train.Length;
        var sizes = AbsoluteSizes(trainSizes ?? [0.1, 0.325, 0.55, 0.775, 1.0], maxTrain);
        var trainScores = new double[sizes.Length][];
        var testScores = new double[sizes.Length][];
        for (int k = 0; k < sizes.Length; k++)
        {
            trainScores[k] = new double[splits.Length];
            testScores[k] = new double[splits.Length];
            for (int s = 0; s < splits.Length; s++)
            {
                var (train, test) = splits[s];
                var subset = train[..Math.Min(sizes[k], train.Length)];
                var xTrain = Rows(xv, subset);
                var yTrain = Pick(yv, subset);
                var model = estimator.CloneUnfitted().Fit(xTrain, yTrain);
                trainScores[k][s] = Score(model, xTrain, yTrain, scoring);
                testScores[k][s] = Score(model, Rows(xv, test), Pick(yv, test), scoring);
            }
        }
        return new LearningCurveResult(sizes, trainScores, testScores);
    }

    internal static int[] AbsoluteSizes(double[] sizes, int maxTrain)
    {
        if (sizes.Length == 0) throw new ArgumentException("trainSizes must hold at least one value, got none", nameof(sizes));
        bool fractions = sizes.All(s => s <= 1);
        var abs = new SortedSet<int>();
        foreach (var s in sizes)
        {
            if (!(s > 0)) throw new ArgumentOutOfRangeException(nameof(sizes), s, $"trainSizes must be > 0, got {s}");
            if (!fractions && s > maxTrain)
                throw new ArgumentOutOfRangeException(nameof(sizes), s, $"trainSizes must be <= the training split size {maxTrain}, got {s}");
            abs.Add(fractions ? Math.Clamp((int)(s * maxTrain), 1, maxTrain) : (int)s);
        }
        return [.. abs];
    }

    /// <summary>Score of a fitted model on (x, y): R² or −MSE, depending on <paramref name="scoring"/> (greater is better).</summary>
    public static double Score(IRegressor model, double[,] x, double[] y, Scoring scoring)
    {
        var pred = model.Predict(x);
        return scoring == Scoring.R2 ? RegressionScore.R2(y, pred) : -RegressionScore.MeanSquaredError(y, pred);
    }

    private static (MatrixView X, double[] Y) Check(double[,] x, double[] y)
    {
        var xv = DenseInput.Matrix(x, nameof(x));
        var yv = DenseInput.Vector(y, nameof(y));
        DenseInput.CheckXy(xv, yv);
        return (xv, yv);
    }

    internal static double[,] Rows(MatrixView x, int[] rows) => DenseInput.ToArray2D(x.CopyRows(rows), rows.Length, x.Cols);

    internal static double[] Pick(double[] y, int[] rows)
    {
        var r = new double[rows.Length];
        for (int i = 0; i < rows.Length; i++) r[i] = y[rows[i]];
        return r;
    }
}
