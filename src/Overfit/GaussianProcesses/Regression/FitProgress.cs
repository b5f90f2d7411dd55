namespace Overfit.GaussianProcesses;

/// <summary>
/// Where a hyperparameter fit stands after one log-marginal-likelihood evaluation: optimizer start
/// <see cref="Start"/> of <see cref="Starts"/> (the initial theta first, then the restarts), evaluations so far over all
/// starts, and the best log marginal likelihood (log posterior with priors) seen so far (−∞ until one was finite).
/// </summary>
public readonly record struct FitProgress(int Start, int Starts, int Evaluations, double BestLogMarginalLikelihood);
