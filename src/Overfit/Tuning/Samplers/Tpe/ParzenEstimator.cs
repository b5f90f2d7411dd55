using System.Numerics.Tensors;
using Overfit.BayesianOptimization;
using Overfit.Tensors;

namespace Overfit.Tuning;

/// <summary>Settings of TPE's Parzen estimators (Optuna's _ParzenEstimatorParameters).</summary>
internal sealed record ParzenEstimatorParameters(bool ConsiderPrior, double PriorWeight, bool ConsiderMagicClip, bool ConsiderEndpoints,
    Func<int, double[]> Weights, bool Multivariate);

/// <summary>
/// A mixture of truncated normals (numerical parameters, in log space for log ones) and smoothed one-hot
/// distributions (categoricals), one component per observation plus the prior (Optuna 3.1's _ParzenEstimator).
/// Univariate bandwidths follow the neighbour-distance rule with magic clipping; multivariate ones are
/// 0.2·n^(−1/(d+4))·(high − low). Stepped and integer parameters are scored by the mass of their grid cell,
/// continuous ones by Optuna 3.1's truncated-normal log-density (which omits the −log σ term).
/// </summary>
internal sealed class ParzenEstimator
{
    private const double Eps = 1e-12;
    private const double Sigma0Magnitude = 0.2;
    private static readonly double LogSqrt2Pi = 0.5 * Math.Log(2 * Math.PI);

    private readonly Distribution[] _space;
    private readonly double[] _weights;     // [m], sums to 1
    private readonly double[] _logWeights;  // [m]
    private readonly double[] _low, _high;  // per dimension (transformed), NaN for categoricals
    private readonly double?[] _q;
    private readonly double[][] _mus, _sigmas; // [dim][m] for numerical dimensions
    private readonly double[][] _logNormalizer; // [dim][m]: log(σ) + log Z for continuous, log Z for stepped
    private readonly double[][,] _catWeights;   // [dim][m, k] for categoricals
    private readonly double[][] _invSigmas;     // [dim][m] for continuous dimensions
    private readonly double[] _baseLogPdf;      // [m]: log weight minus the continuous dimensions' normalizers

    /// <param name="observations">[dim][n] internal-representation values.</param>
    /// <param name="space">distribution of every dimension</param>
    /// <param name="parameters">the TPE settings</param>
    /// <param name="predeterminedWeights">weights of the observations instead of the default ramp, or null</param>
    public ParzenEstimator(double[][] observations, Distribution[] space, ParzenEstimatorParameters parameters, double[]? predeterminedWeights = null)
    {
        _space = space;
        int d = space.Length;
        int n = observations.Length == 0 ? 0 : observations[0].Length;
        bool considerPrior = parameters.ConsiderPrior || n == 0;
        _weights = Weights(n, considerPrior, parameters, predeterminedWeights);
        _logWeights = _weights.Select(w => Math.Log(w)).ToArray();
        _low = new double[d]; _high = new double[d]; _q = new double?[d];
        _mus = new double[d][]; _sigmas = new double[d][]; _logNormalizer = new double[d][]; _catWeights = new double[d][,];
        double? sigma0 = parameters.Multivariate ? Sigma0Magnitude * Math.Pow(Math.Max(n, 1), -1.0 / (d + 4)) : null;
        for (int j = 0; j < d; j++)
        {
            if (space[j] is CategoricalDistribution c)
            {
                _low[j] = _high[j] = double.NaN;
                _catWeights[j] = CategoricalWeights(observations[j], c.Choices.Count, considerPrior, parameters.PriorWeight);
                continue;
            }
            (_low[j], _high[j], _q[j]) = Bounds(space[j]);
            var x = ToUniform(observations[j], space[j]);
            (_mus[j], _sigmas[j]) = NumericalParams(x, _low[j], _high[j], considerPrior, parameters, sigma0);
            var norm = new double[_mus[j].Length];
            for (int i = 0; i < norm.Length; i++)
            {
                double s = _sigmas[j][i];
                double logMass = NormalMath.LogGaussMass((_low[j] - _mus[j][i]) / s, (_high[j] - _mus[j][i]) / s);
                // Optuna 3.1's truncnorm.logpdf leaves out the −log σ of the density, so narrow components weigh less
                // than a true mixture density would give them; TPE's choices depend on it, so it is kept.
                norm[i] = _q[j] is null ? logMass + LogSqrt2Pi : logMass;
            }
            _logNormalizer[j] = norm;
        }
        _invSigmas = new double[d][];
        _baseLogPdf = (double[])_logWeights.Clone();
        for (int j = 0; j < d; j++)
        {
            if (space[j] is CategoricalDistribution || _q[j] is not null) continue;
            _invSigmas[j] = _sigmas[j].Select(v => 1 / v).ToArray();
            TensorPrimitives.Subtract(_baseLogPdf, _logNormalizer[j], _baseLogPdf);
        }
    }

    public int Components => _weights.Length;

    /// <summary>Draws <paramref name="size"/> points, returned per dimension in the internal representation; each
    /// uniform number in [0, 1) comes from <paramref name="uniform"/>, in Optuna's order (all components first, then
    /// dimension by dimension).</summary>
    public double[][] Sample(Func<double> uniform, int size)
    {
        int d = _space.Length;
        var active = new int[size];
        for (int s = 0; s < size; s++) active[s] = Choose(_weights, uniform());
        var samples = new double[d][];
        for (int j = 0; j < d; j++)
        {
            samples[j] = new double[size];
            if (_space[j] is CategoricalDistribution)
            {
                var w = _catWeights[j];
                int k = w.GetLength(1);
                for (int s = 0; s < size; s++)
                {
                    double u = uniform(), cum = 0;
                    int choice = 0;
                    for (int c = 0; c < k; c++) { cum += w[active[s], c]; if (cum < u) choice = c + 1; }
                    samples[j][s] = Math.Min(choice, k - 1);
                }
                continue;
            }
            for (int s = 0; s < size; s++)
            {
                double mu = _mus[j][active[s]], sigma = _sigmas[j][active[s]];
                samples[j][s] = mu + sigma * TruncatedNormalPpf(uniform(), (_low[j] - mu) / sigma, (_high[j] - mu) / sigma);
            }
            FromUniform(samples[j], _space[j], _q[j]);
        }
        return samples;
    }

    /// <summary>log density (log cell mass for stepped parameters) of each point; <paramref name="samples"/> is [dim][size] in the internal representation.</summary>
    public double[] LogPdf(double[][] samples)
    {
        int d = _space.Length, size = samples[0].Length, m = _weights.Length;
        var result = new double[size];
        var component = new double[m];
        var z = new double[m];
        for (int s = 0; s < size; s++)
        {
            // Continuous dimensions' normalizers are folded into _baseLogPdf; only the quadratic term depends on the point.
            Array.Copy(_baseLogPdf, component, m);
            for (int j = 0; j < d; j++)
            {
                if (_space[j] is CategoricalDistribution)
                {
                    var w = _catWeights[j];
                    int c = (int)samples[j][s];
                    for (int i = 0; i < m; i++) component[i] += Math.Log(w[i, c]);
                    continue;
                }
                double x = _space[j] is FloatDistribution { Log: true } or IntDistribution { Log: true } ? Math.Log(samples[j][s]) : samples[j][s];
                double[] mus = _mus[j], sigmas = _sigmas[j], norm = _logNormalizer[j];
                if (_q[j] is { } q)
                {
                    double upper = Math.Min(x + q / 2, _high[j]), lower = Math.Max(x - q / 2, _low[j]);
                    for (int i = 0; i < m; i++)
                        component[i] += NormalMath.LogGaussMass((lower - mus[i]) / sigmas[i], (upper - mus[i]) / sigmas[i]) - norm[i];
                }
                else
                {
                    TensorPrimitives.Subtract(mus, x, z);
                    TensorPrimitives.Multiply(z, _invSigmas[j], z);
                    TensorPrimitives.Multiply(z, z, z);
                    TensorPrimitives.MultiplyAdd(z, -0.5, component, component);
                }
            }
            double max = TensorPrimitives.Max(component);
            if (double.IsNegativeInfinity(max)) { result[s] = max; continue; }
            TensorPrimitives.Subtract(component, max, z);
            // Terms below e^-60 cannot change the sum (the largest term is 1); clamping keeps exp out of subnormal slow paths.
            TensorPrimitives.Max(z, -60.0, z);
            TensorPrimitives.Exp(z, z);
            result[s] = Math.Log(TensorPrimitives.Sum(z)) + max;
        }
        return result;
    }

    private static double[] Weights(int n, bool considerPrior, ParzenEstimatorParameters p, double[]? predetermined)
    {
        double[] w;
        if (predetermined is null)
        {
            var raw = p.Weights(n);
            if (raw.Length < n) throw new InvalidOperationException($"the weights function returned {raw.Length} values for {n} observations");
            w = raw[..n];
            foreach (double v in w)
                if (v < 0 || !double.IsFinite(v)) throw new InvalidOperationException($"the weights function must return finite non-negative values, got {v}");
            if (n > 0 && w.Sum() <= 0) throw new InvalidOperationException("the weights function returned all zeros");
        }
        else w = predetermined[..n];
        var weights = new double[considerPrior ? n + 1 : n];
        Array.Copy(w, weights, n);
        if (considerPrior) weights[n] = p.PriorWeight;
        double total = weights.Sum();
        for (int i = 0; i < weights.Length; i++) weights[i] /= total;
        return weights;
    }

    private static (double Low, double High, double? Q) Bounds(Distribution distribution) => distribution switch
    {
        FloatDistribution { Log: true } f => (Math.Log(f.Low), Math.Log(f.High), null),
        FloatDistribution { Step: { } s } f => (f.Low - 0.5 * s, f.High + 0.5 * s, s),
        FloatDistribution f => (f.Low, f.High, null),
        IntDistribution { Log: true } i => (Math.Log(i.Low - 0.5), Math.Log(i.High + 0.5), null),
        IntDistribution i => (i.Low - 0.5 * i.Step, i.High + 0.5 * i.Step, i.Step),
        _ => throw new NotSupportedException($"TPE cannot model {distribution.GetType().Name}"),
    };

    private static double[] ToUniform(double[] values, Distribution distribution)
        => distribution is FloatDistribution { Log: true } or IntDistribution { Log: true } ? values.Select(v => Math.Log(v)).ToArray() : values;

    private static void FromUniform(double[] samples, Distribution distribution, double? q)
    {
        for (int i = 0; i < samples.Length; i++)
        {
            double v = samples[i];
            samples[i] = distribution switch
            {
                FloatDistribution { Log: true } => Math.Exp(v),
                FloatDistribution { Step: not null } f => Math.Clamp(Math.Round((v - f.Low) / q!.Value) * q.Value + f.Low, f.Low, f.High),
                FloatDistribution => v,
                IntDistribution { Log: true } d => Math.Clamp(Math.Round(Math.Exp(v)), d.Low, d.High),
                IntDistribution d => Math.Clamp(Math.Round((v - d.Low) / q!.Value) * q.Value + d.Low, d.Low, d.High),
                _ => v,
            };
        }
    }

    private static double[,] CategoricalWeights(double[] observations, int k, bool considerPrior, double priorWeight)
    {
        int n = observations.Length;
        int rows = considerPrior ? n + 1 : n;
        double fill = considerPrior ? priorWeight / (n + 1) : priorWeight / n;
        var w = new double[rows, k];
        for (int i = 0; i < rows; i++)
        {
            for (int c = 0; c < k; c++) w[i, c] = fill;
            if (i < n) w[i, (int)observations[i]] += 1;
            double sum = 0;
            for (int c = 0; c < k; c++) sum += w[i, c];
            for (int c = 0; c < k; c++) w[i, c] /= sum;
        }
        return w;
    }

    private static (double[] Mus, double[] Sigmas) NumericalParams(double[] x, double low, double high, bool considerPrior, ParzenEstimatorParameters p, double? sigma0)
    {
        int n = x.Length;
        int m = considerPrior ? n + 1 : n;
        var mus = new double[m];
        Array.Copy(x, mus, n);
        if (considerPrior) mus[n] = 0.5 * (low + high);
        var sigmas = new double[m];
        if (sigma0 is { } s0)
        {
            Array.Fill(sigmas, s0 * (high - low));
        }
        else
        {
            // Each component's bandwidth is the larger gap to its sorted neighbours (the bounds count as neighbours).
            var order = Enumerable.Range(0, m).ToArray();
            Array.Sort(mus.ToArray(), order); // stable enough: ties get equal gaps either way
            var withEnds = new double[m + 2];
            withEnds[0] = low;
            for (int i = 0; i < m; i++) withEnds[i + 1] = mus[order[i]];
            withEnds[m + 1] = high;
            var sorted = new double[m];
            for (int i = 0; i < m; i++) sorted[i] = Math.Max(withEnds[i + 1] - withEnds[i], withEnds[i + 2] - withEnds[i + 1]);
            if (!p.ConsiderEndpoints && withEnds.Length >= 4)
            {
                sorted[0] = withEnds[2] - withEnds[1];
                sorted[m - 1] = withEnds[m] - withEnds[m - 1];
            }
            for (int i = 0; i < m; i++) sigmas[order[i]] = sorted[i];
        }
        double maxSigma = high - low;
        double minSigma = p.ConsiderMagicClip ? (high - low) / Math.Min(100.0, 1.0 + m) : Eps;
        for (int i = 0; i < m; i++) sigmas[i] = Math.Clamp(sigmas[i], minSigma, maxSigma);
        if (considerPrior) sigmas[n] = high - low;
        return (mus, sigmas);
    }

    /// <summary>Inverse CDF of the standard normal truncated to [a, b], computed on the side of the smaller tail.</summary>
    internal static double TruncatedNormalPpf(double u, double a, double b)
    {
        double x;
        if (a > 0)
        {
            double ca = NormalMath.Cdf(-a), cb = NormalMath.Cdf(-b);
            x = -NormalMath.InvCdf(ca - u * (ca - cb));
        }
        else
        {
            double pa = NormalMath.Cdf(a), pb = NormalMath.Cdf(b);
            double p = pa + u * (pb - pa);
            x = p <= 0.5 ? NormalMath.InvCdf(p) : -NormalMath.InvCdf(NormalMath.Cdf(-b) + (1 - u) * (pb - pa));
        }
        if (double.IsNaN(x)) x = 0.5 * (a + b);
        return Math.Clamp(x, a, b);
    }

    private static int Choose(double[] weights, double u)
    {
        double cum = 0;
        for (int i = 0; i < weights.Length; i++)
        {
            cum += weights[i];
            if (u < cum) return i;
        }
        return weights.Length - 1;
    }
}
