using Overfit.GaussianProcesses;
namespace Overfit.BayesianOptimization;

/// <summary>
/// Acquisition that depends on one point's posterior mean and variance only. Subclasses give the value and its
/// partial derivatives in mean and variance; the chain to the point goes through the model's gradients.
/// </summary>
public abstract class AnalyticAcquisition : AcquisitionFunction
{
    /// <summary>Binds the acquisition to <paramref name="model"/>; <paramref name="maximize"/> sets the direction of improvement.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="model"/> is null.</exception>
    protected AnalyticAcquisition(IPosteriorModel model, bool maximize) : base(model) { Maximize = maximize; }

    /// <summary>True: improvement means a larger outcome (BoTorch's default); false: a smaller one.</summary>
    public bool Maximize { get; }

    /// <summary>Value at posterior mean mu and variance var, with d/dmu and d/dvar.</summary>
    protected abstract (double Value, double DMean, double DVariance) FromMoments(double mean, double variance);

    /// <inheritdoc/>
    public override double EvaluateWithGradient(ReadOnlySpan<double> x, int q, Span<double> gradient)
    {
        CheckBatch(x, q);
        int d = Dimension;
        Span<double> gm = stackalloc double[d];
        Span<double> gv = stackalloc double[d];
        var (mean, variance) = Model.PosteriorWithGradient(x, gm, gv);
        var (value, dm, dv) = FromMoments(mean, variance);
        for (int c = 0; c < d; c++) gradient[c] = dm * gm[c] + dv * gv[c];
        return value;
    }

    /// <inheritdoc/>
    public override double Evaluate(ReadOnlySpan<double> x, int q = 1)
    {
        CheckBatch(x, q);
        Span<double> mean = stackalloc double[1];
        Span<double> variance = stackalloc double[1];
        Model.PosteriorMeanVariance(x, 1, mean, variance);
        return FromMoments(mean[0], variance[0]).Value;
    }

    /// <inheritdoc/>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="q"/> is not 1.</exception>
    public override void EvaluateMany(ReadOnlySpan<double> x, int count, int q, Span<double> values)
    {
        if (q != 1) throw new ArgumentOutOfRangeException(nameof(q), q, $"{GetType().Name} expects q = 1, got {q}");
        var mean = new double[count]; var variance = new double[count];
        Model.PosteriorMeanVariance(x[..(count * Dimension)], count, mean, variance);
        for (int i = 0; i < count; i++) values[i] = FromMoments(mean[i], variance[i]).Value;
    }

    /// <summary>Standardized improvement z = ±(mu - best)/sigma with dz/dmu and dz/dvar.</summary>
    protected (double Z, double Sigma, double DzDMean, double DzDVariance) Standardize(double mean, double variance, double best)
    {
        double sigma = Math.Sqrt(Math.Max(variance, 1e-24));
        double sign = Maximize ? 1 : -1;
        double z = sign * (mean - best) / sigma;
        return (z, sigma, sign / sigma, -z / (2 * variance));
    }
}

/// <summary>EI(x) = sigma (zΦ(z) + φ(z)), z = (mu - bestF)/sigma.</summary>
public sealed class ExpectedImprovement(IPosteriorModel model, double bestF, bool maximize = true) : AnalyticAcquisition(model, maximize)
{
    /// <summary>Incumbent value the improvement is measured from (BoTorch's best_f).</summary>
    public double BestF { get; } = bestF;

    /// <inheritdoc/>
    protected override (double, double, double) FromMoments(double mean, double variance)
    {
        var (z, sigma, dzm, dzv) = Standardize(mean, variance, BestF);
        double h = NormalMath.ExpectedImprovementCore(z), cdf = NormalMath.Cdf(z);
        // d(sigma h(z)) = h dsigma + sigma Φ(z) dz
        return (sigma * h, sigma * cdf * dzm, h / (2 * sigma) + sigma * cdf * dzv);
    }
}

/// <summary>log EI computed stably far from the incumbent (Ament et al. 2023): finite with a useful gradient where EI underflows.</summary>
public sealed class LogExpectedImprovement(IPosteriorModel model, double bestF, bool maximize = true) : AnalyticAcquisition(model, maximize)
{
    /// <summary>Incumbent value the improvement is measured from (BoTorch's best_f).</summary>
    public double BestF { get; } = bestF;

    /// <inheritdoc/>
    protected override (double, double, double) FromMoments(double mean, double variance)
    {
        var (z, sigma, dzm, dzv) = Standardize(mean, variance, BestF);
        double logH = NormalMath.LogExpectedImprovementCore(z), dLogH = NormalMath.LogExpectedImprovementCoreDerivative(z);
        return (logH + Math.Log(sigma), dLogH * dzm, dLogH * dzv + 1 / (2 * Math.Max(variance, 1e-24)));
    }
}

/// <summary>PI(x) = Φ(z).</summary>
public sealed class ProbabilityOfImprovement(IPosteriorModel model, double bestF, bool maximize = true) : AnalyticAcquisition(model, maximize)
{
    /// <summary>Incumbent value the improvement is measured from (BoTorch's best_f).</summary>
    public double BestF { get; } = bestF;

    /// <inheritdoc/>
    protected override (double, double, double) FromMoments(double mean, double variance)
    {
        var (z, _, dzm, dzv) = Standardize(mean, variance, BestF);
        double pdf = NormalMath.Pdf(z);
        return (NormalMath.Cdf(z), pdf * dzm, pdf * dzv);
    }
}

/// <summary>log PI(x) = log Φ(z), finite far in the lower tail.</summary>
public sealed class LogProbabilityOfImprovement(IPosteriorModel model, double bestF, bool maximize = true) : AnalyticAcquisition(model, maximize)
{
    /// <summary>Incumbent value the improvement is measured from (BoTorch's best_f).</summary>
    public double BestF { get; } = bestF;

    /// <inheritdoc/>
    protected override (double, double, double) FromMoments(double mean, double variance)
    {
        var (z, _, dzm, dzv) = Standardize(mean, variance, BestF);
        double logCdf = NormalMath.LogCdf(z);
        double ratio = Math.Exp(NormalMath.LogPdf(z) - logCdf); // φ/Φ
        return (logCdf, ratio * dzm, ratio * dzv);
    }
}

/// <summary>UCB(x) = mu + sqrt(beta) sigma (mu - sqrt(beta) sigma negated when minimizing, as BoTorch does).</summary>
public sealed class UpperConfidenceBound : AnalyticAcquisition
{
    /// <summary>UCB with exploration weight <paramref name="beta"/> (like botorch.acquisition.UpperConfidenceBound).</summary>
    /// <exception cref="ArgumentNullException"><paramref name="model"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="beta"/> is negative or NaN.</exception>
    public UpperConfidenceBound(IPosteriorModel model, double beta, bool maximize = true) : base(model, maximize)
    {
        if (!(beta >= 0)) throw new ArgumentOutOfRangeException(nameof(beta), beta, $"expected beta >= 0, got {beta}");
        Beta = beta;
    }

    /// <summary>Exploration weight β (the bound uses √β·σ).</summary>
    public double Beta { get; }

    /// <inheritdoc/>
    protected override (double, double, double) FromMoments(double mean, double variance)
    {
        double sigma = Math.Sqrt(Math.Max(variance, 1e-24)), root = Math.Sqrt(Beta);
        double dv = root / (2 * sigma);
        return Maximize ? (mean + root * sigma, 1, dv) : (-mean + root * sigma, -1, dv);
    }
}

/// <summary>The posterior mean (pure exploitation).</summary>
public sealed class PosteriorMean(IPosteriorModel model, bool maximize = true) : AnalyticAcquisition(model, maximize)
{
    /// <inheritdoc/>
    protected override (double, double, double) FromMoments(double mean, double variance)
        => Maximize ? (mean, 1, 0) : (-mean, -1, 0);
}
