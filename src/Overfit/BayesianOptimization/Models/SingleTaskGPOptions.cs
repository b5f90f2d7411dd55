using Overfit.GaussianProcesses;

namespace Overfit.BayesianOptimization;

/// <summary>
/// Settings of <see cref="SingleTaskGP"/>. The defaults are BoTorch's SingleTaskGP (before 0.12): inputs normalized to
/// the unit cube, outcomes standardized, ARD Matern-5/2 times an output scale, a learned constant mean, and the priors
/// lengthscale ~ Gamma(3, 6), outputscale ~ Gamma(2, 0.15), noise ~ Gamma(1.1, 0.05) with noise floor 1e-4.
/// (Gamma(concentration, rate); the log prior densities are added to the marginal likelihood.)
/// <see cref="GPPriorKind.DimensionScaledLogNormal"/> selects BoTorch's newer priors instead (Hvarfner et al. 2024).
/// </summary>
public sealed record SingleTaskGPOptions
{
    /// <summary>
    /// The GP core's stationary kernel family of the covariance module: Matern ν = 5/2 (default) or RBF. The model builds
    /// its own copy with one length scale per dimension (ARD), the bounds (0.005, 50) and the
    /// length-scale prior, times a <see cref="ConstantKernel"/> output scale with bounds (0.01, 100) and its prior
    /// (BoTorch's ScaleKernel), so the hyperparameters of the kernel given here are unused.
    /// </summary>
    public StationaryKernel Kernel { get; init; } = new Matern(nu: 2.5);
    /// <summary>Box used to normalize inputs to [0,1]^d; null uses the training data's min and max.</summary>
    public Bounds? InputBounds { get; init; }
    /// <summary>Map inputs to the unit cube before fitting (BoTorch's Normalize).</summary>
    public bool NormalizeInputs { get; init; } = true;
    /// <summary>Standardize outcomes to mean 0 and std 1 (BoTorch's Standardize).</summary>
    public bool StandardizeOutcomes { get; init; } = true;
    /// <summary>Add the log priors to the marginal likelihood.</summary>
    public bool UsePriors { get; init; } = true;
    /// <summary>Which priors (Gamma by default).</summary>
    public GPPriorKind Priors { get; init; } = GPPriorKind.Gamma;
    /// <summary>Learn the output scale (false: fixed at 1).</summary>
    public bool LearnOutputScale { get; init; } = true;
    /// <summary>Learn a constant mean (false: zero mean).</summary>
    public bool LearnMean { get; init; } = true;
    /// <summary>Observed per-point noise variances in outcome units (BoTorch's train_Yvar); null learns the noise.</summary>
    public double[]? TrainYVariance { get; init; }
    /// <summary>Lower limit on the learned noise variance, in standardized units.</summary>
    public double NoiseFloor { get; init; } = 1e-4;
    /// <summary>Bounds on the learned noise variance (the lower one raised to <see cref="NoiseFloor"/>).</summary>
    public (double Low, double High) NoiseBounds { get; init; } = (1e-4, 10.0);
    /// <summary>Extra fits from random starting points (the best marginal likelihood wins).</summary>
    public int NumRestarts { get; init; }
    /// <summary>Starting hyperparameters (a previous model's <see cref="SingleTaskGP.RawHyperparameters"/>): warm start; ignored when the length differs.</summary>
    public double[]? InitialHyperparameters { get; init; }
    /// <summary>L-BFGS iterations per fit (default 200).</summary>
    public int MaxIterations { get; init; } = 200;
    /// <summary>Seed of the random restarts.</summary>
    public ulong Seed { get; init; }
}

/// <summary>Hyperparameter priors of <see cref="SingleTaskGP"/>.</summary>
public enum GPPriorKind
{
    /// <summary>lengthscale ~ Gamma(3, 6), outputscale ~ Gamma(2, 0.15), noise ~ Gamma(1.1, 0.05) (BoTorch before 0.12).</summary>
    Gamma,
    /// <summary>
    /// lengthscale ~ LogNormal(√2 + log(d)/2, √3) (longer length scales in more dimensions), noise ~ LogNormal(-4, 1),
    /// outputscale (if learned) ~ Gamma(2, 0.15). BoTorch 0.12's default pairs this with RBF and no output scale.
    /// </summary>
    DimensionScaledLogNormal,
}
