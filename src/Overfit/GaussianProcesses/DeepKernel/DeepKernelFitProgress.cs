namespace Overfit.GaussianProcesses;

/// <summary>
/// Where a deep-kernel fit stands after one epoch: epoch <see cref="Epoch"/> (1-based) of <see cref="Epochs"/>, the exact
/// marginal log likelihood per training point at the start of that epoch (GPyTorch's ExactMarginalLogLikelihood, the
/// negative of its training loss; log priors included), and the likelihood's noise variance in standardized target units.
/// </summary>
public readonly record struct DeepKernelFitProgress(int Epoch, int Epochs, double MarginalLogLikelihood, double Noise);
