using Overfit.Tensors.Kernels;

namespace Overfit.GaussianProcesses;

public sealed partial class GaussianProcessRegressor
{
    private double[][]? _targets;   // α per target after a multi-target Fit
    private double[] _yMeans = [], _yStds = [];

    /// <summary>Number of targets of the last Fit (1 for a vector y).</summary>
    public int Targets => _targets?.Length ?? 1;

    /// <summary>
    /// Fits every column of y (n×t) with one shared kernel, as scikit-learn does for a 2-D y: the objective is the sum of
    /// the targets' log marginal likelihoods (each target standardized on its own with <see cref="NormalizeY"/>).
    /// Predict with <see cref="PredictTargets"/>.
    /// </summary>
    public GaussianProcessRegressor Fit(double[,] x, double[,] y)
    {
        var (xd, n, d) = GpInput.Matrix(x, nameof(x));
        var (yd, rows, t) = GpInput.Matrix(y, nameof(y));
        if (rows != n) throw new ArgumentException($"y must have one row of targets per row of X ({n}), got {rows}", nameof(y));
        if (t == 1) return Fit(x, Enumerable.Range(0, n).Select(i => y[i, 0]).ToArray());
        if (AlphaPerSample is { } perSample && perSample.Length != n)
            throw new ArgumentException($"alpha must hold one noise value per training sample ({n}), got {perSample.Length}", "alpha");
        ExactInference.EnsureFeasible(n, MaxRows, squareBuffers: 2, nameof(GaussianProcessRegressor), nameof(x));
        _warnings.Clear();
        _xTrain = xd; _n = n; _d = d;
        var columns = new double[t][];
        _yMeans = new double[t];
        _yStds = new double[t];
        for (int c = 0; c < t; c++)
        {
            columns[c] = new double[n];
            for (int i = 0; i < n; i++) columns[c][i] = yd[i * t + c];
            (_yMeans[c], _yStds[c]) = Standardize(columns[c]);
        }
        var kernel = Kernel.Clone();
        // One likelihood per target (each factors K on its own: t times the work of one target, kept simple).
        var parts = columns.Select(c => new MarginalLikelihood(kernel, xd, n, d, c, Alpha, AlphaPerSample)).ToArray();
        double Sum(double[] theta, double[]? grad)
        {
            double total = 0;
            var part = grad is null ? null : new double[grad.Length];
            if (grad is not null) Array.Clear(grad);
            foreach (var lml in parts)
            {
                total += lml.Evaluate(theta, part);
                if (part is not null) for (int i = 0; i < part.Length; i++) grad![i] += part[i];
            }
            return total;
        }
        double[]? chosen = Optimize && kernel.ThetaCount > 0 ? OptimizeHyperparameters(kernel, Sum, n) : null;
        FactorFinal(kernel, parts[0], chosen);
        _targets = new double[t][];
        double lmlValue = -0.5 * t * (DenseLinalg.LogDetFromCholesky(_l!, n) + n * Math.Log(2 * Math.PI));
        for (int c = 0; c < t; c++)
        {
            _targets[c] = (double[])columns[c].Clone();
            DenseLinalg.CholeskySolveInPlace(_l!, n, _targets[c], 1);
            lmlValue += DataFit(columns[c], _targets[c]);
        }
        _alpha = null;
        (_yMean, _yStd) = (0, 1);
        LogMarginalLikelihoodValue = lmlValue;
        return this;
    }

    /// <summary>
    /// Posterior mean and standard deviation per target, each m×t (one column after a single-target Fit). The standard
    /// deviations of different targets differ only by their normalization scale.
    /// </summary>
    public (double[,] Mean, double[,] Std) PredictTargets(double[,] x)
    {
        var alphas = _targets ?? (_alpha is null ? null : [_alpha]);
        var means = _targets is null ? [_yMean] : _yMeans;
        var stds = _targets is null ? [_yStd] : _yStds;
        if (alphas is null) throw new InvalidOperationException("call Fit before PredictTargets");
        var mean = new double[x.GetLength(0), alphas.Length];
        var std = new double[x.GetLength(0), alphas.Length];
        for (int c = 0; c < alphas.Length; c++)
        {
            var (mc, vc, _) = PredictCore(x, fullCovariance: false, alphas[c], means[c], stds[c]);
            for (int j = 0; j < mc.Length; j++) { mean[j, c] = mc[j]; std[j, c] = Math.Sqrt(vc[j]) * stds[c]; } // vc is in standardized units
        }
        return (mean, std);
    }

    private void ThrowIfMultiTarget(string method)
    {
        if (_targets is not null)
            throw new InvalidOperationException($"this regressor was fitted on {_targets.Length} targets: use PredictTargets instead of {method}");
    }
}
