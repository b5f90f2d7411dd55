using Overfit.Tensors;
using Overfit.Tensors.Kernels;

namespace Overfit.Tuning;

/// <summary>
/// The CMA-ES core with an ask-and-tell interface, minimizing. Update equations and default settings follow
/// Hansen's tutorial "The CMA Evolution Strategy" (arXiv:1604.00772), the active variant with negative weights
/// (eqs. 48-56 for the settings, 39-47 for the updates); bounds are handled as the cmaes library that Optuna 3.1
/// uses: resample up to <c>maxResampling</c> times, then clip. Stopping rules are that library's (tolx, tolfun
/// history, divergence, no-effect coordinate/axis, condition number 1e14).
/// </summary>
internal sealed partial class CmaEsOptimizer
{
    private const double Eps = 1e-8;
    private const double MeanMax = 1e32;
    private const double SigmaMax = 1e32;

    private readonly int _n;
    private readonly double[] _weights;
    private readonly double _muEff, _cc, _c1, _cmu, _cSigma, _dSigma, _chiN;
    private readonly double[] _mean, _pSigma, _pc;
    private double[] _c;              // covariance, row-major n×n
    private double[]? _b, _d;         // eigenvectors (columns of row-major n×n) and sqrt eigenvalues of C
    private readonly double[,]? _bounds;
    private readonly int _maxResampling;
    private readonly double _tolX, _tolXUp = 1e4, _tolFun = 1e-12, _tolConditionCov = 1e14;
    private readonly int _funHistTerm;
    private readonly double[] _funHist;

    /// <param name="mean">initial mean (dimension at least 1)</param>
    /// <param name="sigma">initial step size (positive)</param>
    /// <param name="bounds">optional [n, 2] box; samples outside are redrawn, then clipped</param>
    /// <param name="seed">seed of the sampling stream</param>
    /// <param name="populationSize">λ; null uses 4 + floor(3 ln n)</param>
    /// <param name="maxResampling">redraws of an out-of-bounds sample before it is clipped</param>
    public CmaEsOptimizer(double[] mean, double sigma, double[,]? bounds = null, ulong seed = 0, int? populationSize = null, int maxResampling = 100)
    {
        ArgumentNullException.ThrowIfNull(mean);
        _n = mean.Length;
        if (_n < 1) throw new ArgumentException($"mean must have at least one element, got {_n}", nameof(mean));
        if (!(sigma > 0) || double.IsInfinity(sigma)) throw new ArgumentOutOfRangeException(nameof(sigma), sigma, "sigma must be positive and finite");
        foreach (double m in mean)
            if (!(Math.Abs(m) < MeanMax)) throw new ArgumentOutOfRangeException(nameof(mean), m, $"every mean element must be finite with |m| < {MeanMax}");
        if (bounds is not null)
        {
            if (bounds.GetLength(0) != _n || bounds.GetLength(1) != 2) throw new ArgumentException($"bounds must be [{_n}, 2], got [{bounds.GetLength(0)}, {bounds.GetLength(1)}]", nameof(bounds));
            for (int i = 0; i < _n; i++)
                if (!(bounds[i, 0] <= mean[i] && mean[i] <= bounds[i, 1])) throw new ArgumentException($"mean[{i}] = {mean[i]} lies outside bounds [{bounds[i, 0]}, {bounds[i, 1]}]", nameof(bounds));
        }
        int lambda = populationSize ?? 4 + (int)Math.Floor(3 * Math.Log(_n));   // eq. 48
        if (lambda < 2) throw new ArgumentOutOfRangeException(nameof(populationSize), lambda, "population size must be at least 2");
        PopulationSize = lambda;
        Mu = lambda / 2;

        // eq. 49: preliminary weights, positive for the best μ, negative for the rest.
        var wPrime = new double[lambda];
        for (int i = 0; i < lambda; i++) wPrime[i] = Math.Log((lambda + 1) / 2.0) - Math.Log(i + 1);
        _muEff = SquaredSumRatio(wPrime.AsSpan(0, Mu));
        double muEffMinus = SquaredSumRatio(wPrime.AsSpan(Mu));

        const double alphaCov = 2;
        _c1 = alphaCov / ((_n + 1.3) * (_n + 1.3) + _muEff);
        _cmu = Math.Min(1 - _c1 - 1e-8, alphaCov * (_muEff - 2 + 1 / _muEff) / ((_n + 2) * (_n + 2) + alphaCov * _muEff / 2));
        double minAlpha = Math.Min(1 + _c1 / _cmu, Math.Min(1 + 2 * muEffMinus / (_muEff + 2), (1 - _c1 - _cmu) / (_n * _cmu)));   // eqs. 50-52
        double positiveSum = 0, negativeSum = 0;
        foreach (double w in wPrime) { if (w > 0) positiveSum += w; else negativeSum -= w; }
        _weights = new double[lambda];
        for (int i = 0; i < lambda; i++) _weights[i] = wPrime[i] >= 0 ? wPrime[i] / positiveSum : minAlpha / negativeSum * wPrime[i];   // eq. 53
        _cSigma = (_muEff + 2) / (_n + _muEff + 5);                                                                                   // eq. 55
        _dSigma = 1 + 2 * Math.Max(0, Math.Sqrt((_muEff - 1) / (_n + 1)) - 1) + _cSigma;
        _cc = (4 + _muEff / _n) / (_n + 4 + 2 * _muEff / _n);                                                                           // eq. 56
        _chiN = Math.Sqrt(_n) * (1 - 1.0 / (4 * _n) + 1.0 / (21.0 * _n * _n));                                                         // E||N(0, I)||

        _mean = (double[])mean.Clone();
        _pSigma = new double[_n];
        _pc = new double[_n];
        _c = new double[_n * _n];
        for (int i = 0; i < _n; i++) _c[i * _n + i] = 1;
        Sigma = sigma;
        _bounds = bounds is null ? null : (double[,])bounds.Clone();
        _maxResampling = maxResampling;
        Random = new Generator(seed);
        _tolX = 1e-12 * sigma;
        _funHistTerm = 10 + (int)Math.Ceiling(30.0 * _n / lambda);
        _funHist = new double[2 * _funHistTerm];
    }

    public int Dimension => _n;
    public int PopulationSize { get; }
    public int Mu { get; }
    /// <summary>Number of completed updates of the distribution.</summary>
    public int Generation { get; private set; }
    public double Sigma { get; private set; }
    public ReadOnlySpan<double> Mean => _mean;
    /// <summary>The covariance matrix C (row-major n×n; the sampling covariance is σ²C).</summary>
    public ReadOnlySpan<double> Covariance => _c;
    /// <summary>The sampling stream; a caller may reseed it before <see cref="Ask"/> (Optuna reseeds per trial).</summary>
    public Generator Random { get; }

    private static double SquaredSumRatio(ReadOnlySpan<double> w)
    {
        double s = 0, s2 = 0;
        foreach (double v in w) { s += v; s2 += v * v; }
        return s * s / s2;
    }

    /// <summary>Draws one candidate from N(m, σ²C), redrawn while outside the bounds, clipped after the last try.</summary>
    public double[] Ask()
    {
        for (int i = 0; i < _maxResampling; i++)
        {
            var x = SampleSolution();
            if (IsFeasible(x)) return x;
        }
        var last = SampleSolution();
        if (_bounds is not null)
            for (int i = 0; i < _n; i++) last[i] = Math.Clamp(last[i], _bounds[i, 0], _bounds[i, 1]);
        return last;
    }

    private bool IsFeasible(double[] x)
    {
        if (_bounds is null) return true;
        for (int i = 0; i < _n; i++)
            if (x[i] < _bounds[i, 0] || x[i] > _bounds[i, 1]) return false;
        return true;
    }

    private double[] SampleSolution()
    {
        var (b, d) = EigenDecomposition();
        var z = new double[_n];
        for (int i = 0; i < _n; i++) z[i] = Random.NextNormal() * d[i];
        var x = new double[_n];
        for (int i = 0; i < _n; i++)
        {
            double y = 0;
            for (int j = 0; j < _n; j++) y += b[i * _n + j] * z[j];   // y = B D z ~ N(0, C)
            x[i] = _mean[i] + Sigma * y;
        }
        return x;
    }

    /// <summary>B and D with C = B diag(D²) Bᵀ; negative eigenvalues are floored at 1e-8 and C rebuilt from them.</summary>
    private (double[] B, double[] D) EigenDecomposition()
    {
        if (_b is not null && _d is not null) return (_b, _d);
        for (int i = 0; i < _n; i++)
            for (int j = 0; j < i; j++) _c[i * _n + j] = _c[j * _n + i] = 0.5 * (_c[i * _n + j] + _c[j * _n + i]);
        var d2 = new double[_n];
        var b = new double[_n * _n];
        DenseLinalg.SymmetricEigen(_c, _n, d2, b);
        var d = new double[_n];
        for (int i = 0; i < _n; i++) d[i] = Math.Sqrt(d2[i] < 0 ? Eps : d2[i]);
        for (int i = 0; i < _n; i++)
            for (int j = 0; j < _n; j++)
            {
                double s = 0;
                for (int k = 0; k < _n; k++) s += b[i * _n + k] * d[k] * d[k] * b[j * _n + k];
                _c[i * _n + j] = s;
            }
        _b = b;
        _d = d;
        return (b, d);
    }
}
