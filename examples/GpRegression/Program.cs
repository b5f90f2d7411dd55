// Gaussian process regression with a 95% band (scikit-learn's GaussianProcessRegressor): fit
// Constant x RBF + White to noisy samples of sin(x), learning the length scale and the noise level by maximizing
// the log marginal likelihood, then predict mean and standard deviation on a grid.
using Overfit.Data.Random;
using Overfit.GaussianProcesses;

var random = new RandomState(0);
const int N = 30;
var x = new double[N, 1];
var y = new double[N];
for (int i = 0; i < N; i++)
{
    x[i, 0] = random.Uniform(0, 10);
    y[i] = Math.Sin(x[i, 0]) + 0.1 * random.NextGaussian();
}

var kernel = new ConstantKernel(1.0) * new RBF(lengthScale: 1.0) + new WhiteKernel(noiseLevel: 0.1);
var gp = new GaussianProcessRegressor(kernel, normalizeY: true, nRestartsOptimizer: 2, seed: 0).Fit(x, y);
Console.WriteLine($"fitted kernel: {gp.FittedKernel}");
Console.WriteLine($"log marginal likelihood: {gp.LogMarginalLikelihoodValue:F3}");

// Predict on 11 points from 0 to 12: past the data (x > 10) the band widens back towards the prior.
var grid = new double[11, 1];
for (int i = 0; i < 11; i++) grid[i, 0] = 1.2 * i;
var (mean, std) = gp.Predict(grid);
Console.WriteLine();
Console.WriteLine("     x     sin(x)      mean   95% band");
for (int i = 0; i < 11; i++)
    Console.WriteLine($"{grid[i, 0],6:F1} {Math.Sin(grid[i, 0]),10:F3} {mean[i],9:F3}   [{mean[i] - 1.96 * std[i]:F3}, {mean[i] + 1.96 * std[i]:F3}]");
