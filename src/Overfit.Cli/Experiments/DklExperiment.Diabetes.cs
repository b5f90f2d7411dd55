using System.Diagnostics;
using Overfit.Cli.Infrastructure;
using Overfit.Data.Preprocessing;
using Overfit.Data.Tabular;
using Overfit.GaussianProcesses;
using Overfit.NN;
using Overfit.Optim;
using Overfit.Tensors;

namespace Overfit.Cli.Experiments;

internal sealed partial class DklExperiment
{
    /// <summary>Full-batch Adam epochs of the MLP baseline; the epoch with the lowest validation error is kept.</summary>
    public const int MlpEpochs = 500;

    /// <summary>
    /// Diabetes (442 × 10, scikit-learn's load_diabetes), a seeded 80/20 split (train_test_split(test_size=0.2,
    /// random_state=seed)), inputs standardized on the training rows. Three models: deep kernel learning
    /// (10-50-50-2 network), an ARD GP (Constant × RBF with ten length scales + White, two extra starts), and an MLP
    /// 10-50-50-1 trained by MSE with early stopping on a quarter of the training rows, whose predictive distribution is
    /// Gaussian with the validation mean squared error as its variance. Scores on the held-out rows, in target units.
    /// </summary>
    private static ResultTable DiabetesComparison(RunContext context, int epochs, double lr, int starts, Dictionary<string, object?> metrics)
    {
        var data = Diabetes.Load();
        var (xTrain, xTest, yTrain, yTest) = TrainTestSplit.Split(data.X, data.Y, testSize: 0.2, randomState: context.Seed);
        var scaler = new StandardScaler().Fit(xTrain);
        xTrain = scaler.Transform(xTrain);
        xTest = scaler.Transform(xTest);
        context.RecordSetting("diabetes", $"{yTrain.Length} train / {yTest.Length} held-out rows (train_test_split test_size=0.2, random_state=seed), inputs standardized on the training rows");
        var table = new ResultTable("Diabetes: held-out RMSE and NLPD (target units; NLPD in nats per point)", "model", "RMSE", "NLPD", "coverage95", "fit (s)");
        var scores = new Dictionary<string, object?>();
        int d = xTrain.GetLength(1);
        context.Track("diabetes", 3, tick =>
        {
            var clock = Stopwatch.StartNew();
            DeepKernelRegressor? best = null;
            for (int s = 0; s < starts; s++)
            {
                var model = new DeepKernelRegressor(DeepKernel.Mlp(d, Hidden, Features, (ulong)context.Seed + (ulong)s));
                model.Fit(xTrain, yTrain, epochs, lr, new EpochTicks(tick, $"diabetes start {s + 1}/{starts}"));
                if (best is null || model.LogMarginalLikelihoodValue > best.LogMarginalLikelihoodValue) best = model;
            }
            var (dm, ds) = best!.Predict(xTest, observationNoise: true);
            Add("dkl", dm, ds, clock.Elapsed.TotalSeconds);
            tick.Advance();

            clock.Restart();
            var ard = new ConstantKernel(1.0) * new RBF(Enumerable.Repeat(1.0, d).ToArray()) + new WhiteKernel(0.1, lower: 1e-6, upper: 10);
            var gp = new GaussianProcessRegressor(ard, normalizeY: true, nRestartsOptimizer: 2, seed: (ulong)context.Seed).Fit(xTrain, yTrain);
            var (gm, gs) = gp.Predict(xTest);
            Add("ard_gp", gm, gs, clock.Elapsed.TotalSeconds);
            tick.Advance();

            clock.Restart();
            var (mm, ms) = FitMlp(xTrain, yTrain, xTest, context.Seed);
            Add("mlp", mm, ms, clock.Elapsed.TotalSeconds);
            tick.Advance();
        });
        metrics["diabetes"] = scores;
        return table;

        void Add(string name, double[] mean, double[] std, double seconds)
        {
            double rmse = PredictiveScore.Rmse(yTest, mean), nlpd = PredictiveScore.Nlpd(yTest, mean, std), coverage = PredictiveScore.Coverage95(yTest, mean, std);
            scores[name] = new Dictionary<string, object?> { ["rmse"] = rmse, ["nlpd"] = nlpd, ["coverage95"] = coverage };
            table.AddRow(name, rmse, nlpd, coverage, seconds);
        }
    }

    /// <summary>
    /// The MLP baseline: standardized targets, full-batch Adam(0.01) on MSE for <see cref="MlpEpochs"/> epochs on three
    /// quarters of the training rows, the weights of the epoch with the lowest error on the other quarter kept; the
    /// predictive standard deviation is that validation error's root (homoscedastic Gaussian).
    /// </summary>
    private static (double[] Mean, double[] Std) FitMlp(double[,] x, double[] y, double[,] xTest, int seed)
    {
        var (fit, validation) = TrainTestSplit.Indices(y.Length, testSize: 0.25, randomState: seed + 1);
        double mean = y.Average(), std = Math.Sqrt(y.Select(v => (v - mean) * (v - mean)).Average());
        Tensor Rows(int[] rows) => Tensor.FromArray(TrainTestSplit.TakeRows(x, rows));
        Tensor Targets(int[] rows) => Tensor.FromArray(rows.Select(i => (y[i] - mean) / std).ToArray(), [rows.Length, 1]);
        var (xf, yf, xv, yv) = (Rows(fit), Targets(fit), Rows(validation), Targets(validation));
        var g = new Generator((ulong)seed);
        int d = x.GetLength(1);
        var net = new Sequential(new Linear(d, 50, generator: g, dtype: DType.Float64), new ReLU(),
            new Linear(50, 50, generator: g, dtype: DType.Float64), new ReLU(), new Linear(50, 1, generator: g, dtype: DType.Float64));
        var adam = new Adam(net.Parameters(), lr: 0.01);
        double bestError = double.PositiveInfinity;
        Dictionary<string, Tensor>? best = null;
        for (int epoch = 0; epoch < MlpEpochs; epoch++)
        {
            net.Train();
            adam.ZeroGrad();
            Functional.MseLoss(net.Forward(xf), yf).Backward();
            adam.Step();
            net.Eval();
            double error;
            using (Overfit.Autograd.Autograd.NoGrad()) error = Functional.MseLoss(net.Forward(xv), yv).Item();
            if (error < bestError) { bestError = error; best = net.StateDictSnapshot(); }
        }
        net.LoadStateDict(best!);
        net.Eval();
        double[] prediction;
        using (Overfit.Autograd.Autograd.NoGrad()) prediction = net.Forward(Tensor.FromArray(xTest)).Contiguous().ToDoubleArray();
        double sigma = Math.Sqrt(bestError) * std;
        return (prediction.Select(p => p * std + mean).ToArray(), Enumerable.Repeat(sigma, prediction.Length).ToArray());
    }
}
