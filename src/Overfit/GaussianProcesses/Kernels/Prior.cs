namespace Overfit.GaussianProcesses;

/// <summary>
/// Prior over a positive hyperparameter value v. Optimizers work in u = log v, so priors report the
/// log-density of v and its derivative with respect to u (the Jacobian of the log transform is not added:
/// this matches BoTorch/GPyTorch, which put the prior on the value itself).
/// </summary>
public abstract class Prior
{
    /// <summary>log p(v).</summary>
    public abstract double LogDensity(double value);

    /// <summary>d log p(v) / d log v = v · d log p(v)/dv.</summary>
    public abstract double LogDensityGradientLog(double value);
}

/// <summary>Gamma(concentration a, rate b): log p(v) = a log b − lnΓ(a) + (a−1) log v − b v.</summary>
public sealed class GammaPrior : Prior
{
    /// <summary>Gamma prior (like gpytorch.priors.GammaPrior).</summary>
    /// <exception cref="ArgumentOutOfRangeException">A parameter is not positive.</exception>
    public GammaPrior(double concentration, double rate)
    {
        if (!(concentration > 0)) throw new ArgumentOutOfRangeException(nameof(concentration), $"concentration must be > 0, got {concentration}");
        if (!(rate > 0)) throw new ArgumentOutOfRangeException(nameof(rate), $"rate must be > 0, got {rate}");
        Concentration = concentration; Rate = rate;
    }

    /// <summary>Shape a.</summary>
    public double Concentration { get; }
    /// <summary>Rate b (inverse scale).</summary>
    public double Rate { get; }

    /// <inheritdoc/>
    public override double LogDensity(double value) =>
        Concentration * Math.Log(Rate) - MathNet.Numerics.SpecialFunctions.GammaLn(Concentration)
        + (Concentration - 1) * Math.Log(value) - Rate * value;

    /// <inheritdoc/>
    public override double LogDensityGradientLog(double value) => (Concentration - 1) - Rate * value;
}

/// <summary>LogNormal(loc μ, scale σ): log v ~ N(μ, σ²).</summary>
public sealed class LogNormalPrior : Prior
{
    /// <summary>Log-normal prior (like gpytorch.priors.LogNormalPrior).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="scale"/> is not positive.</exception>
    public LogNormalPrior(double loc, double scale)
    {
        if (!(scale > 0)) throw new ArgumentOutOfRangeException(nameof(scale), $"scale must be > 0, got {scale}");
        Loc = loc; Scale = scale;
    }

    /// <summary>Mean μ of log v.</summary>
    public double Loc { get; }
    /// <summary>Standard deviation σ of log v.</summary>
    public double Scale { get; }

    /// <inheritdoc/>
    public override double LogDensity(double value)
    {
        double z = (Math.Log(value) - Loc) / Scale;
        return -0.5 * z * z - Math.Log(value * Scale) - 0.5 * Math.Log(2 * Math.PI);
    }

    /// <inheritdoc/>
    public override double LogDensityGradientLog(double value)
    {
        double z = (Math.Log(value) - Loc) / Scale;
        return -z / Scale - 1;
    }
}
