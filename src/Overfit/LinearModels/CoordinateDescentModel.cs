using Overfit.LinearModels.Internal;
using Overfit.Tensors;

namespace Overfit.LinearModels;

/// <summary>How coordinate descent picks the coordinate to update (scikit-learn's selection).</summary>
public enum CoordinateSelection
{
    /// <summary>Every feature in order, each sweep.</summary>
    Cyclic,
    /// <summary>p features drawn uniformly with replacement per sweep; often faster to converge when features are correlated.</summary>
    Random,
}

/// <summary>
/// Shared machinery of <see cref="ElasticNet"/> and <see cref="Lasso"/>: scikit-learn's objective
/// (1/(2n))·||y − Xw − b||² + α·ρ·||w||₁ + ½·α·(1−ρ)·||w||², solved by cyclic coordinate descent that stops when the
/// duality gap falls below tol·||y − ȳ||².
/// </summary>
public abstract class CoordinateDescentModel : LinearModel
{
    private protected CoordinateDescentModel(double alpha, double l1Ratio, bool fitIntercept, int maxIter, double tol,
        bool warmStart, bool positive, bool? precompute, CoordinateSelection selection, ulong randomState) : base(fitIntercept)
    {
        if (!Enum.IsDefined(selection)) throw new ArgumentOutOfRangeException(nameof(selection), $"selection must be Cyclic or Random, got {selection}");
        Selection = selection; RandomState = randomState;
        DenseInput.NonNegative(alpha, nameof(alpha));
        DenseInput.UnitInterval(l1Ratio, nameof(l1Ratio));
        DenseInput.AtLeast(maxIter, 1, nameof(maxIter));
        DenseInput.Positive(tol, nameof(tol));
        Alpha = alpha; L1Ratio = l1Ratio; MaxIter = maxIter; Tol = tol; WarmStart = warmStart; Positive = positive; Precompute = precompute;
    }

    /// <summary>Overall penalty strength α ≥ 0 (scikit-learn's alpha).</summary>
    public double Alpha { get; }
    /// <summary>Mix ρ ∈ [0, 1] of L1 (ρ) and L2 (1 − ρ) penalties (scikit-learn's l1_ratio).</summary>
    public double L1Ratio { get; }
    /// <summary>Maximum number of coordinate-descent sweeps.</summary>
    public int MaxIter { get; }
    /// <summary>Stopping tolerance on the duality gap, relative to ||y − ȳ||².</summary>
    public double Tol { get; }
    /// <summary>Start from the previous Fit's coefficients instead of zeros.</summary>
    public bool WarmStart { get; }
    /// <summary>Constrain every coefficient to be ≥ 0.</summary>
    public bool Positive { get; }
    /// <summary>Use the Gram (covariance) form: true, false, or null to decide from the shape (n ≥ p → Gram).</summary>
    public bool? Precompute { get; }

    /// <summary>Which coordinate each step updates: in order (Cyclic) or drawn at random (Random), as scikit-learn's selection.</summary>
    public CoordinateSelection Selection { get; }
    /// <summary>Seed of the coordinate draws when <see cref="Selection"/> is Random (each Fit restarts the stream).</summary>
    public ulong RandomState { get; }

    /// <summary>Starting coefficients for a Fit without a previous solution (e.g. the solution for a larger α).</summary>
    public double[]? InitialCoefficients { get; init; }

    /// <summary>Sweeps run by the last Fit.</summary>
    public int Iterations { get; private set; }
    /// <summary>Duality gap at the end of the last Fit, on scikit-learn's scale (divided by n).</summary>
    public double DualGap { get; private set; }
    /// <summary>Whether the last Fit reached the tolerance before <see cref="MaxIter"/>.</summary>
    public bool Converged { get; private set; }
    /// <summary>scikit-learn's ConvergenceWarning as text when the last Fit stopped at MaxIter; null when it converged.</summary>
    public string? ConvergenceWarning { get; private set; }

    /// <summary>scikit-learn rescales the weights to sum to n, so α means the same with and without them.</summary>
    private protected override double[] WeightsForFit(double[] w) => SampleWeighting.NormalizedToCount(w);

    // PenalizedProblem.Build rejects a non-finite X in both of its forms.
    private protected override bool ChecksFiniteWhileFitting => true;

    private protected override void FitCore(MatrixView x, double[] y)
    {
        var problem = PenalizedProblem.Build(x, y, CenterData, Precompute);
        if (InitialCoefficients is { } init && init.Length != x.Cols)
            throw new ArgumentException($"InitialCoefficients must hold one value per feature ({x.Cols}), got {init.Length}", nameof(InitialCoefficients));
        var w = WarmStart && Coefficients.Length == x.Cols ? (double[])Coefficients.Clone()
            : InitialCoefficients is { } start ? (double[])start.Clone() : new double[x.Cols];
        var random = Selection == CoordinateSelection.Random ? new Generator(RandomState) : null;
        var outcome = problem.Solve(w, Alpha, L1Ratio, MaxIter, Tol, Positive, random);
        Record(w, problem.InterceptFor(w, CenterData), outcome, x.Rows);
    }

    internal void Record(double[] w, double intercept, CdOutcome outcome, int samples)
    {
        Coefficients = w;
        Intercept = intercept;
        Iterations = outcome.Iterations;
        DualGap = outcome.Gap / samples;
        Converged = outcome.Converged;
        ConvergenceWarning = outcome.Converged ? null : PenalizedProblem.NonConvergenceMessage(outcome.Gap, outcome.Tolerance, Alpha);
    }

    private protected override void ResetLearnedState()
    {
        Iterations = 0; DualGap = 0; Converged = false; ConvergenceWarning = null;
    }
}

/// <summary>Elastic net: L1 and L2 penalties mixed by <see cref="CoordinateDescentModel.L1Ratio"/> (ρ = 1 is the lasso, ρ = 0 ridge-like).</summary>
public sealed class ElasticNet : CoordinateDescentModel
{
    /// <summary>Elastic net with scikit-learn's defaults (like sklearn.linear_model.ElasticNet).</summary>
    /// <param name="alpha">Penalty strength α ≥ 0 (default 1).</param>
    /// <param name="l1Ratio">L1 share ρ in [0, 1] (default 0.5).</param>
    /// <param name="fitIntercept">Fit an unpenalized intercept.</param>
    /// <param name="maxIter">Maximum sweeps (default 1000).</param>
    /// <param name="tol">Duality-gap tolerance (default 1e-4).</param>
    /// <param name="warmStart">Start each Fit from the previous coefficients.</param>
    /// <param name="positive">Constrain coefficients to be ≥ 0.</param>
    /// <param name="precompute">Gram form: true, false, or null to decide from the shape.</param>
    /// <param name="selection">Cyclic or Random coordinate order.</param>
    /// <param name="randomState">Seed of the Random order.</param>
    /// <exception cref="ArgumentOutOfRangeException">alpha is negative, l1Ratio outside [0, 1], maxIter &lt; 1, tol not positive or selection undefined.</exception>
    public ElasticNet(double alpha = 1.0, double l1Ratio = 0.5, bool fitIntercept = true, int maxIter = 1000, double tol = 1e-4,
        bool warmStart = false, bool positive = false, bool? precompute = null, CoordinateSelection selection = CoordinateSelection.Cyclic,
        ulong randomState = 0)
        : base(alpha, l1Ratio, fitIntercept, maxIter, tol, warmStart, positive, precompute, selection, randomState) { }

    /// <summary>Fits y (n) with optional per-sample weights (zero drops a sample; weights rescale the squared loss).</summary>
    public ElasticNet Fit(double[,] x, double[] y, double[]? sampleWeight = null) { FitMatrix(x, y, sampleWeight); return this; }
    /// <summary>Fits every column of y (n×t) as its own target: coefficients [t, p] in <see cref="LinearModel.CoefficientMatrix"/>.</summary>
    public ElasticNet Fit(double[,] x, double[,] y, double[]? sampleWeight = null) { FitMatrix(x, y, sampleWeight); return this; }
    /// <summary>Fits y of shape [n] or [n, t], with optional sample weights [n].</summary>
    public ElasticNet Fit(Overfit.Tensors.Tensor x, Overfit.Tensors.Tensor y, Overfit.Tensors.Tensor? sampleWeight = null) { FitMatrix(x, y, sampleWeight); return this; }
}

/// <summary>Lasso: (1/(2n))·||y − Xw − b||² + α·||w||₁.</summary>
public sealed class Lasso : CoordinateDescentModel
{
    /// <summary>Lasso with scikit-learn's defaults (like sklearn.linear_model.Lasso); parameters as for <see cref="ElasticNet"/> with l1Ratio = 1.</summary>
    /// <exception cref="ArgumentOutOfRangeException">alpha is negative, maxIter &lt; 1, tol not positive or selection undefined.</exception>
    public Lasso(double alpha = 1.0, bool fitIntercept = true, int maxIter = 1000, double tol = 1e-4,
        bool warmStart = false, bool positive = false, bool? precompute = null, CoordinateSelection selection = CoordinateSelection.Cyclic,
        ulong randomState = 0)
        : base(alpha, 1.0, fitIntercept, maxIter, tol, warmStart, positive, precompute, selection, randomState) { }

    /// <summary>Fits y (n) with optional per-sample weights (zero drops a sample; weights rescale the squared loss).</summary>
    public Lasso Fit(double[,] x, double[] y, double[]? sampleWeight = null) { FitMatrix(x, y, sampleWeight); return this; }
    /// <summary>Fits every column of y (n×t) as its own target: coefficients [t, p] in <see cref="LinearModel.CoefficientMatrix"/>.</summary>
    public Lasso Fit(double[,] x, double[,] y, double[]? sampleWeight = null) { FitMatrix(x, y, sampleWeight); return this; }
    /// <summary>Fits y of shape [n] or [n, t], with optional sample weights [n].</summary>
    public Lasso Fit(Overfit.Tensors.Tensor x, Overfit.Tensors.Tensor y, Overfit.Tensors.Tensor? sampleWeight = null) { FitMatrix(x, y, sampleWeight); return this; }
}
