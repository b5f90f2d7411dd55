using System.Numerics.Tensors;
using Overfit.LinearModels.Internal;
using Overfit.Tensors;
using Tensor = Overfit.Tensors.Tensor;

namespace Overfit.LinearModels;

/// <summary>
/// Common shape of the linear estimators: y ≈ X·w + b. Subclasses store their settings in the constructor and learn
/// <see cref="Coefficients"/> and <see cref="Intercept"/> in Fit (which returns the estimator itself).
/// </summary>
public abstract class LinearModel : IRegressor
{
    /// <summary>Stores whether an intercept is fitted.</summary>
    protected LinearModel(bool fitIntercept) { FitIntercept = fitIntercept; }

    /// <summary>Whether an unpenalized intercept is fitted (scikit-learn's fit_intercept).</summary>
    public bool FitIntercept { get; }

    /// <summary>Learned weights, one per feature (empty before Fit).</summary>
    public double[] Coefficients { get; protected set; } = [];

    /// <summary>Learned intercept (0 when FitIntercept is false).</summary>
    public double Intercept { get; protected set; }

    /// <summary>True once Fit has run.</summary>
    public bool IsFitted => Coefficients.Length > 0 || _targetCoefficients is not null;

    private double[][]? _targetCoefficients;
    private double[]? _targetIntercepts;
    private double[]? _fitWeights;

    /// <summary>Number of targets of the last Fit: 1 for a vector y, t for y of shape [n, t].</summary>
    public int Targets => _targetCoefficients?.Length ?? 1;

    /// <summary>
    /// Learned weights as [targets, features] (scikit-learn's coef_ for a 2-D y); one row after a single-target Fit.
    /// After a multi-target Fit, <see cref="Coefficients"/> is empty and this holds the weights.
    /// </summary>
    public double[,] CoefficientMatrix
    {
        get
        {
            var rows = _targetCoefficients ?? [Coefficients];
            var m = new double[rows.Length, rows.Length == 0 ? 0 : rows[0].Length];
            for (int t = 0; t < rows.Length; t++)
                for (int j = 0; j < rows[t].Length; j++) m[t, j] = rows[t][j];
            return m;
        }
    }

    /// <summary>Learned intercepts, one per target.</summary>
    public double[] Intercepts => _targetIntercepts is { } b ? (double[])b.Clone() : [Intercept];

    /// <summary>Learns from X (n×p, row-major) and y (n); inputs are already checked.</summary>
    private protected abstract void FitCore(MatrixView x, double[] y);

    /// <summary>
    /// Whether FitCore centers X and y itself. False while it fits data a weighted Fit has already centered on the
    /// weighted means and rescaled by √w (the intercept then comes from those means).
    /// </summary>
    private protected bool CenterData => FitIntercept && _fitWeights is null;

    /// <summary>The sample weights of the running weighted Fit (after <see cref="WeightsForFit"/>), null otherwise.</summary>
    private protected double[]? FitWeights => _fitWeights;

    /// <summary>How this estimator scales the checked weights before use (coordinate descent makes them sum to n).</summary>
    private protected virtual double[] WeightsForFit(double[] w) => w;

    /// <summary>True when FitCore reads <see cref="FitWeights"/> with the raw X and y (cross-validation splits the samples first).</summary>
    private protected virtual bool FitsSampleWeightsItself => false;

    private protected void FitChecked(MatrixView x, double[] y, double[]? sampleWeight = null)
    {
        _targetCoefficients = null;
        _targetIntercepts = null;
        if (sampleWeight is null)
        {
            DenseInput.CheckXy(x, y, checkX: !ChecksFiniteWhileFitting);
            FitCore(x, y);
            return;
        }
        DenseInput.CheckXy(x, y);
        var w = WeightsForFit(SampleWeighting.Check(sampleWeight, x.Rows));
        if (FitsSampleWeightsItself)
        {
            _fitWeights = w;
            try { FitCore(x, y); } finally { _fitWeights = null; }
            return;
        }
        var (xs, xMean) = SampleWeighting.RescaleX(x, w, FitIntercept);
        var (ys, yMean) = SampleWeighting.RescaleY(y, w, FitIntercept);
        _fitWeights = w;
        try { FitCore(xs, ys); } finally { _fitWeights = null; }
        Intercept = FitIntercept ? yMean - TensorPrimitives.Dot(xMean, Coefficients) : 0;
    }

    /// <summary>True when FitCore itself rejects a non-finite X (from its one pass over the rows), so X is not scanned twice.</summary>
    private protected virtual bool ChecksFiniteWhileFitting => false;

    private protected void FitMatrix(double[,] x, double[] y, double[]? sampleWeight = null)
        => FitChecked(DenseInput.Matrix(x, nameof(x)), DenseInput.Vector(y, nameof(y)), sampleWeight);

    private protected void FitMatrix(double[,] x, double[,] y, double[]? sampleWeight = null)
        => FitTargets(DenseInput.Matrix(x, nameof(x)), DenseInput.Matrix(y, nameof(y)), sampleWeight);

    /// <summary>y of shape [n] (or [n, 1]) fits one target, [n, t] fits t.</summary>
    private protected void FitMatrix(Tensor x, Tensor y, Tensor? sampleWeight = null)
    {
        ArgumentNullException.ThrowIfNull(y);
        var w = sampleWeight is null ? null : DenseInput.Vector(sampleWeight, nameof(sampleWeight));
        if (y.Rank == 2 && y.Size(1) != 1) FitTargets(DenseInput.Matrix(x, nameof(x)), DenseInput.Matrix(y, nameof(y)), w);
        else FitChecked(DenseInput.Matrix(x, nameof(x)), DenseInput.Vector(y, nameof(y)), w);
    }

    private protected void FitTargets(MatrixView x, MatrixView y, double[]? sampleWeight)
    {
        if (y.Rows != x.Rows)
            throw new ArgumentException($"x and y must have the same number of samples: x has {x.Rows} rows, y has {y.Rows}", "y");
        DenseInput.CheckFinite(y.Span, y.Cols, "y");
        var span = y.Span;
        var columns = new double[y.Cols][];
        for (int t = 0; t < y.Cols; t++)
        {
            columns[t] = new double[y.Rows];
            for (int i = 0; i < y.Rows; i++) columns[t][i] = span[i * y.Cols + t];
        }
        FitTargetsCore(x, columns, sampleWeight);
    }

    /// <summary>Fits each target on its own (scikit-learn's independent targets); estimators sharing work across targets override this.</summary>
    private protected virtual void FitTargetsCore(MatrixView x, double[][] targets, double[]? sampleWeight)
    {
        var coefficients = new double[targets.Length][];
        var intercepts = new double[targets.Length];
        for (int t = 0; t < targets.Length; t++)
        {
            FitChecked(x, targets[t], sampleWeight);
            coefficients[t] = Coefficients;
            intercepts[t] = Intercept;
        }
        SetTargets(coefficients, intercepts);
    }

    /// <summary>Stores a multi-target result; the single-target <see cref="Coefficients"/> and <see cref="Intercept"/> are cleared.</summary>
    private protected void SetTargets(double[][] coefficients, double[] intercepts)
    {
        _targetCoefficients = coefficients;
        _targetIntercepts = intercepts;
        Coefficients = [];
        Intercept = 0;
    }

    /// <summary>Predictions X·w + b for x (m×p), one per row.</summary>
    /// <exception cref="ArgumentException">x is empty or has a different number of features than the fitted data.</exception>
    /// <exception cref="InvalidOperationException">Not fitted yet, or fitted on several targets.</exception>
    public double[] Predict(double[,] x) => Predict(DenseInput.Matrix(x, nameof(x)));

    /// <summary>Predictions [n] after a single-target Fit, [n, t] after a multi-target one.</summary>
    public Tensor Predict(Tensor x)
    {
        var v = DenseInput.Matrix(x, nameof(x));
        if (_targetCoefficients is not null)
        {
            var m = PredictTargets(v);
            return Tensor.FromArray(m);
        }
        var p = Predict(v);
        return Tensor.FromArray(p, [p.Length]);
    }

    /// <summary>Predictions as [n, targets] (one column after a single-target Fit).</summary>
    public double[,] PredictTargets(double[,] x) => PredictTargets(DenseInput.Matrix(x, nameof(x)));

    private double[,] PredictTargets(MatrixView x)
    {
        if (_targetCoefficients is null)
        {
            var single = Predict(x);
            var column = new double[single.Length, 1];
            for (int i = 0; i < single.Length; i++) column[i, 0] = single[i];
            return column;
        }
        DenseInput.CheckFeatures(_targetCoefficients[0].Length, x.Cols, "x");
        var span = x.Span;
        var result = new double[x.Rows, _targetCoefficients.Length];
        for (int i = 0; i < x.Rows; i++)
            for (int t = 0; t < _targetCoefficients.Length; t++)
                result[i, t] = TensorPrimitives.Dot(span.Slice(i * x.Cols, x.Cols), _targetCoefficients[t]) + _targetIntercepts![t];
        return result;
    }

    internal double[] Predict(MatrixView x)
    {
        if (!IsFitted) throw new InvalidOperationException($"{GetType().Name} is not fitted yet: call Fit before Predict");
        if (_targetCoefficients is not null)
            throw new InvalidOperationException($"{GetType().Name} was fitted on {Targets} targets: use PredictTargets (or Predict with a tensor) for [n, {Targets}] predictions");
        DenseInput.CheckFeatures(Coefficients.Length, x.Cols, "x");
        var span = x.Span;
        var result = new double[x.Rows];
        for (int i = 0; i < x.Rows; i++) result[i] = TensorPrimitives.Dot(span.Slice(i * x.Cols, x.Cols), Coefficients) + Intercept;
        return result;
    }

    /// <summary>R² of the predictions on (X, y).</summary>
    public double Score(double[,] x, double[] y) => RegressionScore.R2(y, Predict(x));

    IRegressor IRegressor.Fit(double[,] x, double[] y) { FitMatrix(x, y); return this; }

    /// <inheritdoc/>
    public IRegressor CloneUnfitted()
    {
        var c = (LinearModel)MemberwiseClone();
        c.Coefficients = [];
        c.Intercept = 0;
        c._targetCoefficients = null;
        c._targetIntercepts = null;
        c.ResetLearnedState();
        return c;
    }

    /// <summary>Clears subclass-specific learned state in clones.</summary>
    private protected virtual void ResetLearnedState() { }
}
