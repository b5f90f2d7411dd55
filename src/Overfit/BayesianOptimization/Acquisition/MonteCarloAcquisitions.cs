using Overfit.GaussianProcesses;
namespace Overfit.BayesianOptimization;

/// <summary>qEI: mean over samples of max(max_j f_j - bestF, 0) over the batch.</summary>
public sealed class QExpectedImprovement(IPosteriorModel model, double bestF, int numSamples = 512, ulong seed = 0, double[]? pending = null)
    : MonteCarloAcquisition(model, numSamples, seed, pending)
{
    /// <summary>Incumbent value the improvement is measured from (BoTorch's best_f).</summary>
    public double BestF { get; } = bestF;

    /// <inheritdoc/>
    public override AcquisitionFunction WithPending(double[] pending) => new QExpectedImprovement(Model, BestF, NumSamples, Seed, pending);

    /// <inheritdoc/>
    protected override double Reduce(double[] f, double[] mean, int samples, int batch, int total, double[]? fGrad, double[]? meanGrad)
    {
        double sum = 0;
        for (int i = 0; i < samples; i++)
        {
            int arg = 0;
            for (int a = 1; a < batch; a++) if (f[i * total + a] > f[i * total + arg]) arg = a;
            double improvement = f[i * total + arg] - BestF;
            if (improvement <= 0) continue;
            sum += improvement;
            if (fGrad is not null) fGrad[i * total + arg] = 1.0 / samples;
        }
        return sum / samples;
    }
}

/// <summary>qUCB (BoTorch): mean over samples of max_j (mu_j + sqrt(beta π/2) |f_j - mu_j|).</summary>
public sealed class QUpperConfidenceBound : MonteCarloAcquisition
{
    /// <summary>qUCB with exploration weight <paramref name="beta"/> (like botorch.acquisition.qUpperConfidenceBound).</summary>
    /// <param name="model">The model whose joint posterior is sampled.</param>
    /// <param name="beta">Exploration weight ≥ 0.</param>
    /// <param name="numSamples">Monte Carlo samples (default 512).</param>
    /// <param name="seed">Seed of the base samples.</param>
    /// <param name="pending">Pending points, row-major, or null.</param>
    /// <exception cref="ArgumentOutOfRangeException">beta is negative or numSamples &lt; 1.</exception>
    public QUpperConfidenceBound(IPosteriorModel model, double beta, int numSamples = 512, ulong seed = 0, double[]? pending = null)
        : base(model, numSamples, seed, pending)
    {
        if (!(beta >= 0)) throw new ArgumentOutOfRangeException(nameof(beta), beta, $"expected beta >= 0, got {beta}");
        Beta = beta;
    }

    /// <summary>Exploration weight β.</summary>
    public double Beta { get; }

    /// <inheritdoc/>
    public override AcquisitionFunction WithPending(double[] pending) => new QUpperConfidenceBound(Model, Beta, NumSamples, Seed, pending);

    /// <inheritdoc/>
    protected override double Reduce(double[] f, double[] mean, int samples, int batch, int total, double[]? fGrad, double[]? meanGrad)
    {
        double c = Math.Sqrt(Beta * Math.PI / 2), sum = 0;
        for (int i = 0; i < samples; i++)
        {
            int arg = 0;
            double best = double.NegativeInfinity;
            for (int a = 0; a < batch; a++)
            {
                double v = mean[a] + c * Math.Abs(f[i * total + a] - mean[a]);
                if (v > best) { best = v; arg = a; }
            }
            sum += best;
            if (fGrad is null || meanGrad is null) continue;
            double sign = Math.Sign(f[i * total + arg] - mean[arg]);
            fGrad[i * total + arg] += c * sign / samples;
            meanGrad[arg] += (1 - c * sign) / samples;
        }
        return sum / samples;
    }
}

/// <summary>
/// qNEI: the incumbent is sampled jointly with the batch from the posterior at the baseline points (the observed
/// inputs), so noisy observations need no best value: mean over samples of max(max_j f_j - max_b f_b, 0).
/// </summary>
public sealed class QNoisyExpectedImprovement : MonteCarloAcquisition
{
    private readonly double[] _baseline;

    /// <summary>qNEI with <paramref name="baseline"/> as the observed inputs (like botorch.acquisition.qNoisyExpectedImprovement).</summary>
    /// <param name="model">The model whose joint posterior is sampled.</param>
    /// <param name="baseline">Observed inputs, row-major (n×d, n ≥ 1).</param>
    /// <param name="numSamples">Monte Carlo samples (default 512).</param>
    /// <param name="seed">Seed of the base samples.</param>
    /// <param name="pending">Pending points, row-major, or null.</param>
    /// <exception cref="ArgumentNullException"><paramref name="baseline"/> is null.</exception>
    /// <exception cref="ArgumentException">baseline is empty or not a whole number of points.</exception>
    public QNoisyExpectedImprovement(IPosteriorModel model, double[] baseline, int numSamples = 512, ulong seed = 0, double[]? pending = null)
        : base(model, numSamples, seed, pending)
    {
        ArgumentNullException.ThrowIfNull(baseline);
        if (baseline.Length == 0 || baseline.Length % model.Dimension != 0)
            throw new ArgumentException($"baseline has {baseline.Length} coordinates, expected a non-zero multiple of {model.Dimension}", nameof(baseline));
        _baseline = (double[])baseline.Clone();
    }

    /// <inheritdoc/>
    protected override double[] ExtraPoints => _baseline;

    /// <inheritdoc/>
    public override AcquisitionFunction WithPending(double[] pending) => new QNoisyExpectedImprovement(Model, _baseline, NumSamples, Seed, pending);

    /// <inheritdoc/>
    protected override double Reduce(double[] f, double[] mean, int samples, int batch, int total, double[]? fGrad, double[]? meanGrad)
    {
        double sum = 0;
        for (int i = 0; i < samples; i++)
        {
            int arg = 0, argBase = batch;
            for (int a = 1; a < batch; a++) if (f[i * total + a] > f[i * total + arg]) arg = a;
            for (int b = batch + 1; b < total; b++) if (f[i * total + b] > f[i * total + argBase]) argBase = b;
            double improvement = f[i * total + arg] - f[i * total + argBase];
            if (improvement <= 0) continue;
            sum += improvement;
            if (fGrad is null) continue;
            fGrad[i * total + arg] += 1.0 / samples;
            fGrad[i * total + argBase] -= 1.0 / samples;
        }
        return sum / samples;
    }
}

/// <summary>
/// qLogNEI (Ament et al. 2023): log of a smoothed qNEI. The incumbent is a log-sum-exp smooth maximum over the
/// baseline samples (temperature tauMax = 1e-2), the improvement goes through a softplus with temperature
/// tauRelu = 1e-6 evaluated in log space, the batch is reduced by a smooth maximum in log space, and the samples by
/// log-mean-exp. (BoTorch uses fat-tailed variants of these smoothings; the log-sum-exp ones are used here.)
/// </summary>
public sealed class QLogNoisyExpectedImprovement : MonteCarloAcquisition
{
    private readonly double[] _baseline;

    /// <summary>qLogNEI with <paramref name="baseline"/> as the observed inputs (like botorch.acquisition.qLogNoisyExpectedImprovement).</summary>
    /// <param name="model">The model whose joint posterior is sampled.</param>
    /// <param name="baseline">Observed inputs, row-major (n×d, n ≥ 1).</param>
    /// <param name="numSamples">Monte Carlo samples (default 512).</param>
    /// <param name="seed">Seed of the base samples.</param>
    /// <param name="pending">Pending points, row-major, or null.</param>
    /// <param name="tauMax">Temperature of the smooth maximum (default 1e-2).</param>
    /// <param name="tauRelu">Temperature of the smooth improvement (default 1e-6).</param>
    /// <exception cref="ArgumentNullException"><paramref name="baseline"/> is null.</exception>
    /// <exception cref="ArgumentException">baseline is empty or not a whole number of points.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A temperature is not positive.</exception>
    public QLogNoisyExpectedImprovement(IPosteriorModel model, double[] baseline, int numSamples = 512, ulong seed = 0,
        double[]? pending = null, double tauMax = 1e-2, double tauRelu = 1e-6)
        : base(model, numSamples, seed, pending)
    {
        ArgumentNullException.ThrowIfNull(baseline);
        if (baseline.Length == 0 || baseline.Length % model.Dimension != 0)
            throw new ArgumentException($"baseline has {baseline.Length} coordinates, expected a non-zero multiple of {model.Dimension}", nameof(baseline));
        if (!(tauMax > 0) || !(tauRelu > 0)) throw new ArgumentOutOfRangeException(nameof(tauMax), $"expected positive temperatures, got {tauMax} and {tauRelu}");
        _baseline = (double[])baseline.Clone();
        TauMax = tauMax;
        TauRelu = tauRelu;
    }

    /// <summary>Temperature of the smooth maximum over the baseline and the batch.</summary>
    public double TauMax { get; }
    /// <summary>Temperature of the softplus smoothing of the improvement.</summary>
    public double TauRelu { get; }
    /// <inheritdoc/>
    protected override double[] ExtraPoints => _baseline;

    /// <inheritdoc/>
    public override AcquisitionFunction WithPending(double[] pending)
        => new QLogNoisyExpectedImprovement(Model, _baseline, NumSamples, Seed, pending, TauMax, TauRelu);

    /// <inheritdoc/>
    protected override double Reduce(double[] f, double[] mean, int samples, int batch, int total, double[]? fGrad, double[]? meanGrad)
    {
        int nb = total - batch;
        var perSample = new double[samples];
        var baseWeights = new double[samples * nb];     // softmax over baseline
        var batchWeights = new double[samples * batch]; // softmax over batch (log space)
        var dLogImp = new double[samples * batch];      // d logimp / dz
        var logImp = new double[batch];
        for (int i = 0; i < samples; i++)
        {
            var row = f.AsSpan(i * total, total);
            double incumbent = SmoothMax(row[batch..], TauMax, baseWeights.AsSpan(i * nb, nb));
            for (int a = 0; a < batch; a++)
            {
                double t = (row[a] - incumbent) / TauRelu;
                var (logSp, dLogSp) = LogSoftplus(t);
                logImp[a] = logSp + Math.Log(TauRelu);
                dLogImp[i * batch + a] = dLogSp / TauRelu;
            }
            perSample[i] = SmoothMax(logImp, TauMax, batchWeights.AsSpan(i * batch, batch));
        }
        var sampleWeights = new double[samples];
        double value = SmoothMax(perSample, 1.0, sampleWeights) - Math.Log(samples);
        if (fGrad is null) return value;
        for (int i = 0; i < samples; i++)
        {
            double incumbentGrad = 0;
            for (int a = 0; a < batch; a++)
            {
                double gz = sampleWeights[i] * batchWeights[i * batch + a] * dLogImp[i * batch + a];
                fGrad[i * total + a] += gz;
                incumbentGrad -= gz;
            }
            for (int b = 0; b < nb; b++) fGrad[i * total + batch + b] += incumbentGrad * baseWeights[i * nb + b];
        }
        return value;
    }

    /// <summary>tau·logsumexp(v/tau); writes the softmax weights (its gradient).</summary>
    private static double SmoothMax(ReadOnlySpan<double> v, double tau, Span<double> weights)
    {
        double max = double.NegativeInfinity;
        foreach (var x in v) max = Math.Max(max, x);
        double sum = 0;
        for (int i = 0; i < v.Length; i++) { weights[i] = Math.Exp((v[i] - max) / tau); sum += weights[i]; }
        for (int i = 0; i < v.Length; i++) weights[i] /= sum;
        return max + tau * Math.Log(sum);
    }

    /// <summary>log(softplus(t)) and its derivative, finite for all t.</summary>
    private static (double Value, double Derivative) LogSoftplus(double t)
    {
        if (t < -30) return (t, 1.0); // softplus(t) ≈ e^t
        double sp = t > 30 ? t + double.LogP1(Math.Exp(-t)) : double.LogP1(Math.Exp(t));
        double sigmoid = 1 / (1 + Math.Exp(-t));
        return (Math.Log(sp), sigmoid / sp);
    }
}
