using Overfit.LinearModels.Internal;
using Overfit.LinearModels.ModelSelection;

namespace Overfit.LinearModels;

/// <summary>
/// Elastic net with α (and optionally ρ) chosen by k-fold cross-validation along regularization paths
/// (scikit-learn's ElasticNetCV): the alpha grid comes from the full data, every unshuffled fold runs the whole path,
/// the α with the lowest mean held-out MSE wins and the model is refit on all data. With sample weights (scikit-learn
/// 1.2's semantics) each fold fits on its weighted training part and is scored by the weighted held-out MSE; the alpha
/// grid still comes from the unweighted data.
/// </summary>
public partial class ElasticNetCV : LinearModel
{
    /// <summary>Cross-validated elastic net with scikit-learn's defaults (like sklearn.linear_model.ElasticNetCV).</summary>
    /// <param name="l1Ratios">Candidate L1 ratios in [0, 1] (default [0.5]).</param>
    /// <param name="nAlphas">Length of each automatic alpha grid (default 100).</param>
    /// <param name="eps">Ratio α_min/α_max of the automatic grid (default 1e-3).</param>
    /// <param name="alphas">Explicit alpha grid instead of the automatic one.</param>
    /// <param name="fitIntercept">Fit an unpenalized intercept.</param>
    /// <param name="cv">Number of unshuffled folds, ≥ 2 (default 5).</param>
    /// <param name="maxIter">Maximum sweeps per fit (default 1000).</param>
    /// <param name="tol">Duality-gap tolerance (default 1e-4).</param>
    /// <param name="positive">Constrain coefficients to be ≥ 0.</param>
    /// <exception cref="ArgumentException">l1Ratios or alphas is empty.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A ratio is outside [0, 1], nAlphas &lt; 1, eps or tol not positive, cv &lt; 2 or maxIter &lt; 1.</exception>
    public ElasticNetCV(double[]? l1Ratios = null, int nAlphas = 100, double eps = 1e-3, double[]? alphas = null, bool fitIntercept = true,
        int cv = 5, int maxIter = 1000, double tol = 1e-4, bool positive = false) : base(fitIntercept)
    {
        L1Ratios = l1Ratios is null ? [0.5] : (double[])l1Ratios.Clone();
        if (L1Ratios.Length == 0) throw new ArgumentException("l1Ratios must hold at least one value, got none", nameof(l1Ratios));
        for (int i = 0; i < L1Ratios.Length; i++) DenseInput.UnitInterval(L1Ratios[i], $"l1Ratios[{i}]");
        DenseInput.AtLeast(nAlphas, 1, nameof(nAlphas));
        DenseInput.Positive(eps, nameof(eps));
        DenseInput.AtLeast(cv, 2, nameof(cv));
        DenseInput.AtLeast(maxIter, 1, nameof(maxIter));
        DenseInput.Positive(tol, nameof(tol));
        GivenAlphas = ElasticNetPath.CheckedAlphas(alphas);
        NAlphas = nAlphas; Eps = eps; Cv = cv; MaxIter = maxIter; Tol = tol; Positive = positive;
    }

    /// <summary>Candidate L1 ratios.</summary>
    public double[] L1Ratios { get; }
    /// <summary>Length of each automatic alpha grid.</summary>
    public int NAlphas { get; }
    /// <summary>Ratio α_min/α_max of the automatic grid.</summary>
    public double Eps { get; }
    /// <summary>The explicit alpha grid, or null for the automatic one.</summary>
    public double[]? GivenAlphas { get; }
    /// <summary>Number of folds.</summary>
    public int Cv { get; }
    /// <summary>Maximum sweeps per fit.</summary>
    public int MaxIter { get; }
    /// <summary>Duality-gap tolerance.</summary>
    public double Tol { get; }
    /// <summary>Whether coefficients are constrained to be ≥ 0.</summary>
    public bool Positive { get; }

    /// <summary>Chosen penalty strength.</summary>
    public double Alpha { get; private set; }
    /// <summary>Chosen L1 ratio.</summary>
    public double L1Ratio { get; private set; }
    /// <summary>Alpha grid per L1 ratio (descending).</summary>
    public double[][] Alphas { get; private set; } = [];
    /// <summary>Held-out MSE: [l1 ratio][alpha][fold].</summary>
    public double[][][] MsePath { get; private set; } = [];
    /// <summary>Duality gap of the final refit, divided by n.</summary>
    public double DualGap { get; private set; }
    /// <summary>Sweeps of the final refit.</summary>
    public int Iterations { get; private set; }

    /// <summary>Fits y (n) with optional per-sample weights.</summary>
    public ElasticNetCV Fit(double[,] x, double[] y, double[]? sampleWeight = null) { FitMatrix(x, y, sampleWeight); return this; }
    /// <summary>Fits y [n] with optional sample weights [n].</summary>
    public ElasticNetCV Fit(Overfit.Tensors.Tensor x, Overfit.Tensors.Tensor y, Overfit.Tensors.Tensor? sampleWeight = null) { FitMatrix(x, y, sampleWeight); return this; }

    // Folds split the raw samples, then each weights its own training part.
    private protected override bool FitsSampleWeightsItself => true;

    private protected override void FitCore(MatrixView x, double[] y)
    {
        int n = x.Rows, p = x.Cols;
        if (n < Cv) throw new ArgumentException($"cv = {Cv} folds need at least {Cv} samples, got {n}", "x");
        if (FitWeights is { } sampleWeight) { FitWeighted(x, y, sampleWeight); return; }
        var folds = KFold.ContiguousFolds(n, Cv);
        var stats = new FoldGrams(x, y, folds);
        var full = stats.Training(-1, FitIntercept);
        var fullProblem = PenalizedProblem.FromGram(full);

        Alphas = new double[L1Ratios.Length][];
        MsePath = new double[L1Ratios.Length][][];
        double bestMse = double.PositiveInfinity;
        for (int r = 0; r < L1Ratios.Length; r++)
        {
            var grid = GivenAlphas is { } g ? (double[])g.Clone() : PenalizedProblem.AlphaGrid(full.Xty, n, L1Ratios[r], NAlphas, Eps);
            Alphas[r] = grid;
            var mse = new double[grid.Length][];
            for (int a = 0; a < grid.Length; a++) mse[a] = new double[Cv];
            // Folds are independent (each reads the shared statistics and writes only its own column of mse), so they
            // run side by side; the result does not depend on the order.
            double l1Ratio = L1Ratios[r];
            Threading.For(Cv, f =>
            {
                var train = stats.Training(f, FitIntercept);
                var path = ElasticNetPath.Run(PenalizedProblem.FromGram(train), grid, l1Ratio, MaxIter, Tol, Positive);
                var foldMse = stats.TestMse(f, path.Coefficients, train, FitIntercept);
                for (int a = 0; a < grid.Length; a++) mse[a][f] = foldMse[a];
            });
            MsePath[r] = mse;
            for (int a = 0; a < grid.Length; a++)
            {
                double mean = mse[a].Average();
                if (mean < bestMse) { bestMse = mean; Alpha = grid[a]; L1Ratio = L1Ratios[r]; }
            }
        }

        var w = new double[p];
        var outcome = fullProblem.Solve(w, Alpha, L1Ratio, MaxIter, Tol, Positive);
        Coefficients = w;
        Intercept = fullProblem.InterceptFor(w, FitIntercept);
        DualGap = outcome.Gap / n;
        Iterations = outcome.Iterations;
    }
}

/// <summary>Lasso with α chosen by k-fold cross-validation (scikit-learn's LassoCV).</summary>
public sealed class LassoCV : ElasticNetCV
{
    /// <summary>Cross-validated lasso with scikit-learn's defaults (like sklearn.linear_model.LassoCV); parameters as for <see cref="ElasticNetCV"/>.</summary>
    /// <exception cref="ArgumentException">alphas is empty.</exception>
    /// <exception cref="ArgumentOutOfRangeException">nAlphas &lt; 1, eps or tol not positive, cv &lt; 2 or maxIter &lt; 1.</exception>
    public LassoCV(int nAlphas = 100, double eps = 1e-3, double[]? alphas = null, bool fitIntercept = true, int cv = 5,
        int maxIter = 1000, double tol = 1e-4, bool positive = false)
        : base([1.0], nAlphas, eps, alphas, fitIntercept, cv, maxIter, tol, positive) { }

    /// <summary>Fits y (n) with optional per-sample weights.</summary>
    public new LassoCV Fit(double[,] x, double[] y, double[]? sampleWeight = null) { FitMatrix(x, y, sampleWeight); return this; }
    /// <summary>Fits y [n] with optional sample weights [n].</summary>
    public new LassoCV Fit(Overfit.Tensors.Tensor x, Overfit.Tensors.Tensor y, Overfit.Tensors.Tensor? sampleWeight = null) { FitMatrix(x, y, sampleWeight); return this; }
}
