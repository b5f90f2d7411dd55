using System.Diagnostics;
using System.Globalization;
using Overfit.Data.Synthetic;
using Overfit.GaussianProcesses;
using Overfit.NN;
using Overfit.Optim;
using Overfit.Tensors;

namespace Overfit.Benchmarks;

/// <summary>
/// `dkl --n 1000 --reps 15 --json`: the cost of one deep-kernel-learning epoch (network 1-50-50-2 with ReLU, Constant ×
/// ARD RBF on the scaled features, exact marginal likelihood with its gradients into the network, one Adam step) against
/// what it is made of: one exact GP log-marginal-likelihood + gradient evaluation at the same size (the optimizer's
/// call, on the same 2-D features and kernel) plus one MLP step of the same network (MSE, backward, Adam). The three
/// are timed interleaved, rep by rep, and the medians reported; ratio = dkl / (gp + mlp), target ≤ 2 (no hidden
/// per-epoch overhead). Data: the non-stationary curve of <see cref="NonStationaryData"/> (seed 0).
/// </summary>
public static class DklBenchmark
{
    public static int Run(string[] args)
    {
        var o = BenchOptions.Parse(args, ["--n", "--reps"], ["--json"]);
        int n = o.Int("--n", 1000, min: 10), reps = o.Int("--reps", 15, min: 1);
        bool json = o.Flag("--json");
        var data = NonStationaryData.StepChirpSample(0, n);
        var x = new double[n, 1];
        for (int i = 0; i < n; i++) x[i, 0] = data.X[i];

        // DKL: the regressor's own epoch.
        var model = new DeepKernelRegressor(DeepKernel.Mlp(1, [50, 50], 2, seed: 0));
        var objective = model.SetTrainingData(x, data.Y);
        model.Train();
        var adam = new Adam(model.Parameters(), lr: 0.01);

        // Exact GP: the likelihood evaluation its optimizer makes, on the features and kernel of the DKL model.
        var features = model.Kernel.Features(x);
        var z = new double[n * 2];
        Buffer.BlockCopy(features, 0, z, 0, z.Length * sizeof(double));
        var y = (double[])data.Y.Clone();
        GpInput.StandardizeTargets(y);
        var kernel = model.Kernel.BaseKernel.Clone();
        var lml = new MarginalLikelihood(kernel, z, n, 2, y, model.Noise);
        var theta = kernel.Theta;
        var gradient = new double[theta.Length];

        // MLP: the same network shape, one MSE step.
        var mlp = DeepKernel.Mlp(1, [50, 50], 2, seed: 1).FeatureExtractor;
        var mlpAdam = new Adam(mlp.Parameters(), lr: 0.01);
        var input = Tensor.FromArray(x);
        var target = Tensor.FromArray(new double[n * 2], [n, 2]);

        var dkl = new List<double>();
        var gp = new List<double>();
        var step = new List<double>();
        for (int r = -2; r < reps; r++) // two warm-up rounds
        {
            var clock = Stopwatch.StartNew();
            model.TrainEpoch(objective, adam);
            double a = clock.Elapsed.TotalSeconds;
            // A new θ every time, as along an optimizer path (an unchanged θ would reuse the last factor).
            theta[0] += 1e-3;
            clock.Restart();
            lml.Evaluate(theta, gradient);
            double b = clock.Elapsed.TotalSeconds;
            clock.Restart();
            mlpAdam.ZeroGrad();
            var loss = Functional.MseLoss(mlp.Forward(input), target);
            loss.Backward();
            mlpAdam.Step();
            double c = clock.Elapsed.TotalSeconds;
            if (r < 0) continue;
            dkl.Add(a); gp.Add(b); step.Add(c);
        }
        double dm = Median(dkl), gm = Median(gp), mm = Median(step);
        var inv = CultureInfo.InvariantCulture;
        if (json)
            Console.WriteLine(string.Format(inv, "{{\"bench\":\"dkl\",\"n\":{0},\"reps\":{1},\"dkl_epoch_s\":{2:0.#####},\"gp_lml_grad_s\":{3:0.#####},\"mlp_step_s\":{4:0.#####},\"ratio\":{5:0.###}}}",
                n, reps, dm, gm, mm, dm / (gm + mm)));
        else
            Console.WriteLine(string.Format(inv, "n={0}: DKL epoch {1:0.####} s, exact GP LML+gradient {2:0.####} s, MLP step {3:0.####} s; ratio {4:0.###} (target <= 2)",
                n, dm, gm, mm, dm / (gm + mm)));
        return 0;
    }

    private static double Median(List<double> values)
    {
        var sorted = values.OrderBy(v => v).ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : 0.5 * (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]);
    }
}
