// A BoTorch-style loop written out step by step, as in BoTorch's tutorials: Sobol initial points, then
// repeatedly fit a SingleTaskGP, build LogExpectedImprovement at the best value so far, maximize it with
// optimize_acqf's restarts, and evaluate the candidate. Minimizes the Branin function (optimum 0.397887)
// by maximizing its negative. BoTorchLoop packages the same loop in one call.
using Overfit.BayesianOptimization;

var branin = new Branin();
Bounds bounds = branin.Bounds;
int d = bounds.Dimension;
var xs = new List<double[]>();
var ys = new List<double>();
void Observe(double[] point)
{
    xs.Add(point);
    ys.Add(-branin.Evaluate(point));
}

// 1. Initial design: 6 scrambled Sobol points mapped from the unit cube to the bounds.
double[] initial = new SobolEngine(d, scramble: true, seed: 0).Draw(6);
bounds.FromUnitCube(initial);
for (int i = 0; i < 6; i++) Observe(initial[(i * d)..((i + 1) * d)]);

// 2. Model, acquisition, optimizer, evaluation.
for (int iteration = 0; iteration < 20; iteration++)
{
    var trainX = new double[xs.Count, d];
    for (int i = 0; i < xs.Count; i++)
        for (int j = 0; j < d; j++) trainX[i, j] = xs[i][j];
    var model = SingleTaskGP.Fit(trainX, ys.ToArray(), new SingleTaskGPOptions { InputBounds = bounds, Seed = (ulong)iteration });
    var acquisition = new LogExpectedImprovement(model, bestF: ys.Max());
    var result = AcquisitionOptimizer.Optimize(acquisition, bounds, q: 1, numRestarts: 10, rawSamples: 512,
        new AcquisitionOptimizerOptions { Seed = (ulong)iteration });
    double[] candidate = result.Row(0);
    Observe(candidate);
    Console.WriteLine($"iteration {iteration + 1,2}: x = [{candidate[0],7:F4}, {candidate[1],7:F4}]  branin = {-ys[^1],9:F5}  best = {-ys.Max():F5}");
}

int best = ys.IndexOf(ys.Max());
Console.WriteLine($"best after {ys.Count} evaluations: branin([{xs[best][0]:F4}, {xs[best][1]:F4}]) = {-ys[best]:F5} (optimum {branin.OptimalValue:F5})");
