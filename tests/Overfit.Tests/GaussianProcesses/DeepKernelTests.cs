using Overfit.Data.Synthetic;
using Overfit.GaussianProcesses;
using Overfit.NN;
using Overfit.Tensors;
using Overfit.Tests.Fixtures;

namespace Overfit.Tests.GaussianProcesses;

public class DeepKernelTests
{
    private static double[,] Column(double[] values)
    {
        var m = new double[values.Length, 1];
        for (int i = 0; i < values.Length; i++) m[i, 0] = values[i];
        return m;
    }

    /// <summary>A tiny smooth network (tanh) with three features under Constant × ARD RBF, on 12 seeded points.</summary>
    private static (DeepKernelRegressor Model, double[,] X, double[] Y) Tiny()
    {
        var g = new Generator(7);
        var net = new Sequential(new Linear(2, 5, generator: g, dtype: DType.Float64), new Tanh(), new Linear(5, 3, generator: g, dtype: DType.Float64));
        var kernel = new DeepKernel(net, new ConstantKernel(1.3) * new RBF([0.8, 1.1, 0.6]));
        var model = new DeepKernelRegressor(kernel, noise: 0.05);
        var x = new double[12, 2];
        var y = new double[12];
        var rng = new Generator(11);
        for (int i = 0; i < 12; i++)
        {
            x[i, 0] = 2 * rng.NextDouble() - 1;
            x[i, 1] = 2 * rng.NextDouble() - 1;
            y[i] = Math.Sin(3 * x[i, 0]) + x[i, 1] * x[i, 1] + 0.05 * (rng.NextDouble() - 0.5);
        }
        return (model, x, y);
    }

    [Fact]
    public void MarginalLikelihoodGradientsMatchCentralDifferences()
    {
        var (model, x, y) = Tiny();
        var objective = model.SetTrainingData(x, y);
        model.Train();
        model.ZeroGrad();
        objective.Evaluate(backward: true);
        const double h = 1e-6;
        int checkedCount = 0;
        foreach (var (name, p) in model.NamedParameters())
        {
            // The gradient is of the loss, −MLL/n; the finite difference is of MLL/n.
            var analytic = p.Grad!.Contiguous().ToDoubleArray();
            var values = p.Detach().Contiguous().ToDoubleArray();
            for (int i = 0; i < values.Length; i++)
            {
                double v = values[i];
                values[i] = v + h; Set(p, values);
                double plus = objective.Evaluate(backward: false);
                values[i] = v - h; Set(p, values);
                double minus = objective.Evaluate(backward: false);
                values[i] = v; Set(p, values);
                double numeric = (plus - minus) / (2 * h);
                Assert.True(Math.Abs(-analytic[i] - numeric) <= 1e-6 * Math.Max(1, Math.Abs(numeric)),
                    $"{name}[{i}]: autograd {-analytic[i]:G10}, central difference {numeric:G10}");
                checkedCount++;
            }
        }
        // Network (2·5 + 5 + 5·3 + 3 = 33), θ (constant + 3 length scales) and the noise.
        Assert.Equal(33 + 4 + 1, checkedCount);

        static void Set(Tensor p, double[] values)
        {
            using (Overfit.Autograd.Autograd.NoGrad()) p.CopyFrom(Tensor.FromArray(values, p.Shape));
        }
    }

    [Fact]
    public void ObjectiveAndGradientsMatchPyTorchAutogradThroughCholesky()
    {
        // tests/fixtures/reference/dkl/dkl_reference.py: the same network (2-5-3, tanh), scaling, kernel and noise in
        // PyTorch float64, MLL/n and its gradients by autograd through torch.linalg.cholesky.
        var doc = ReferenceFixture.LoadDocument("dkl/dkl_reference.json");
        var xs = doc.GetProperty("x").EnumerateArray().Select(r => r.EnumerateArray().Select(e => e.GetDouble()).ToArray()).ToArray();
        var x = new double[xs.Length, 2];
        for (int i = 0; i < xs.Length; i++) { x[i, 0] = xs[i][0]; x[i, 1] = xs[i][1]; }
        var y = doc.GetProperty("y").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        var (model, _, _) = Tiny();
        var objective = model.SetTrainingData(x, y);
        var own = model.StateDict();
        var state = new Dictionary<string, Tensor>();
        foreach (var p in doc.GetProperty("parameters").EnumerateObject())
            state[p.Name] = Tensor.FromArray(p.Value.EnumerateArray().Select(e => e.GetDouble()).ToArray(), own[p.Name].Shape);
        model.LoadStateDict(state, strict: false);
        model.Train();
        model.ZeroGrad();
        double mll = objective.Evaluate(backward: true);
        Assert.Equal(doc.GetProperty("mll_per_point").GetDouble(), mll, 1e-11);
        var parameters = model.NamedParameters().ToDictionary(p => p.Name, p => p.Parameter);
        foreach (var g in doc.GetProperty("gradients").EnumerateObject())
        {
            var expected = g.Value.EnumerateArray().Select(e => e.GetDouble()).ToArray();
            var actual = parameters[g.Name].Grad!.Contiguous().ToDoubleArray();
            for (int i = 0; i < expected.Length; i++)
                Assert.True(Math.Abs(-actual[i] - expected[i]) <= 1e-9 * Math.Max(1, Math.Abs(expected[i])),
                    $"{g.Name}[{i}]: Overfit {-actual[i]:G12}, PyTorch {expected[i]:G12}");
        }
    }

    [Fact]
    public void NetworkWidthThatDiffersFromTheArdDimensionIsRefusedNamingBoth()
    {
        var net = new Sequential(new Linear(1, 4), new ReLU(), new Linear(4, 3));
        var e = Assert.Throws<ArgumentException>(() => new DeepKernel(net, new RBF([1.0, 1.0])));
        Assert.Equal("featureExtractor", e.ParamName);
        Assert.Contains("3 features", e.Message);
        Assert.Contains("2 dimensions", e.Message);

        // A network whose width is only known when it runs is checked at the first forward pass.
        var wrapped = new DeepKernel(new Sequential(new Linear(1, 3), new Tanh()), new ConstantKernel() * new RBF([1.0, 1.0]));
        var model = new DeepKernelRegressor(wrapped);
        var late = Assert.Throws<ArgumentException>(() => model.Fit(Column([0, 1, 2]), [0, 1, 0], epochs: 1));
        Assert.Contains("3 features", late.Message);
        Assert.Contains("2 dimensions", late.Message);
    }

    [Fact]
    public void BadFitArgumentsAreNamed()
    {
        var model = new DeepKernelRegressor(DeepKernel.Mlp(1, [4], 1));
        Assert.Equal("epochs", Assert.Throws<ArgumentOutOfRangeException>(() => model.Fit(Column([0, 1]), [0, 1], epochs: 0)).ParamName);
        Assert.Equal("lr", Assert.Throws<ArgumentOutOfRangeException>(() => model.Fit(Column([0, 1]), [0, 1], lr: double.NaN)).ParamName);
        Assert.Equal("y", Assert.Throws<ArgumentException>(() => model.Fit(Column([0, 1]), [0, 1, 2])).ParamName);
        Assert.Equal("noise", Assert.Throws<ArgumentOutOfRangeException>(() => new DeepKernelRegressor(DeepKernel.Mlp(1, [4], 1), noise: 0)).ParamName);
        Assert.Throws<InvalidOperationException>(() => model.Predict(Column([0])));

        // Diverged weights give NaN features: said as such, not as a failed Cholesky.
        var kernel = DeepKernel.Mlp(1, [4], 1);
        var weight = kernel.FeatureExtractor.NamedParameters().First().Parameter;
        using (Overfit.Autograd.Autograd.NoGrad()) weight.CopyFrom(Tensor.Full(weight.Shape, double.NaN, DType.Float64));
        var diverged = Assert.Throws<InvalidOperationException>(() => new DeepKernelRegressor(kernel).Fit(Column([0, 1, 2]), [0, 1, 0], epochs: 1));
        Assert.Contains("non-finite feature", diverged.Message);
    }

    [Fact]
    public void FitReportsProgressAndTheLikelihoodRises_StateDictRoundTripsPredictions()
    {
        var data = ChapterData.DeepKernelSine(42, points: 40);
        var model = new DeepKernelRegressor(DeepKernel.Mlp(1, [16, 16], 2, seed: 3));
        var reports = new List<DeepKernelFitProgress>();
        model.Fit(Column(data.X), data.Y, epochs: 40, lr: 0.02, progress: new Collect(reports));
        Assert.Equal(40, reports.Count);
        Assert.Equal(40, model.MarginalLogLikelihoodHistory.Count);
        Assert.Equal(Enumerable.Range(1, 40), reports.Select(r => r.Epoch));
        Assert.Equal(model.MarginalLogLikelihoodHistory, reports.Select(r => r.MarginalLogLikelihood));
        Assert.True(model.MarginalLogLikelihoodHistory[^1] > model.MarginalLogLikelihoodHistory[0] + 0.3,
            $"MLL/n went from {model.MarginalLogLikelihoodHistory[0]} to {model.MarginalLogLikelihoodHistory[^1]}");

        var grid = Column(ChapterData.Linspace(-11, 11, 23));
        var (mean, std) = model.Predict(grid);
        var (meanCov, cov) = model.PredictCovariance(grid);
        var (_, stdObs) = model.Predict(grid, observationNoise: true);
        for (int i = 0; i < mean.Length; i++)
        {
            Assert.Equal(mean[i], meanCov[i], 1e-10);
            Assert.Equal(std[i] * std[i], cov[i, i], 1e-10);
            Assert.True(stdObs[i] > std[i]);
        }

        string path = Path.Combine(Path.GetTempPath(), $"dkl-{Guid.NewGuid():N}.safetensors");
        try
        {
            model.Save(path);
            var loaded = new DeepKernelRegressor(DeepKernel.Mlp(1, [16, 16], 2, seed: 99)).Load(path);
            var (mean2, std2) = loaded.Predict(grid);
            for (int i = 0; i < mean.Length; i++)
            {
                Assert.Equal(mean[i], mean2[i], 1e-9);
                Assert.Equal(std[i], std2[i], 1e-9);
            }
            Assert.Equal(model.Noise, loaded.Noise, 1e-15);
        }
        finally { File.Delete(path); }
    }

    [Fact]
    public void SineBandCoversNinetyToNinetyNinePercentOfHeldOutPoints()
    {
        // The chapter's data (its DKL trains by MSE on the GP's mean and ends with a NaN band); held out: 199 fresh points.
        var train = ChapterData.DeepKernelSine(42, points: 100);
        var test = ChapterData.DeepKernelSine(43, points: 199);
        var model = new DeepKernelRegressor(DeepKernel.Mlp(1, [50, 50], 2, seed: 42)).Fit(Column(train.X), train.Y, epochs: 300, lr: 0.02);
        var (mean, std) = model.Predict(Column(test.X), observationNoise: true);
        double coverage = PredictiveScore.Coverage95(test.Y, mean, std);
        Assert.InRange(coverage, 0.90, 0.99);
        Assert.True(PredictiveScore.Rmse(test.Y, mean) < 0.13, "held-out RMSE near the noise level 0.1");
    }

    [Fact]
    public void OnANonStationaryCurveDklBeatsAnRbfGpInRmseAndNlpd()
    {
        var train = NonStationaryData.StepChirpSample(42, points: 100);
        var test = NonStationaryData.StepChirpSample(43, points: 300);
        var gp = new GaussianProcessRegressor(new ConstantKernel(1.0) * new RBF(1.0) + new WhiteKernel(0.1, lower: 1e-6, upper: 10),
            normalizeY: true, nRestartsOptimizer: 2, seed: 42).Fit(Column(train.X), train.Y);
        var (gm, gs) = gp.Predict(Column(test.X)); // the White term makes these new-observation deviations
        var dkl = new DeepKernelRegressor(DeepKernel.Mlp(1, [50, 50], 2, seed: 42)).Fit(Column(train.X), train.Y, epochs: 300, lr: 0.02);
        var (dm, ds) = dkl.Predict(Column(test.X), observationNoise: true);
        double gpRmse = PredictiveScore.Rmse(test.Y, gm), dklRmse = PredictiveScore.Rmse(test.Y, dm);
        double gpNlpd = PredictiveScore.Nlpd(test.Y, gm, gs), dklNlpd = PredictiveScore.Nlpd(test.Y, dm, ds);
        Assert.True(dklRmse < gpRmse, $"RMSE: DKL {dklRmse}, GP {gpRmse}");
        Assert.True(dklNlpd < gpNlpd, $"NLPD: DKL {dklNlpd}, GP {gpNlpd}");
    }

    [Fact]
    public void PredictiveScoresFollowTheirDefinitions()
    {
        double[] y = [0, 1, 3], m = [0, 0, 0], s = [1, 1, 1];
        Assert.Equal(Math.Sqrt(10.0 / 3), PredictiveScore.Rmse(y, m), 1e-15);
        // −log N(y | 0, 1) = ½ log 2π + y²/2.
        Assert.Equal(0.5 * Math.Log(2 * Math.PI) + 10.0 / 6, PredictiveScore.Nlpd(y, m, s), 1e-15);
        Assert.Equal(2.0 / 3, PredictiveScore.Coverage95(y, m, s), 1e-15);
        Assert.Throws<ArgumentException>(() => PredictiveScore.Nlpd(y, m, [1, 0, 1]));
    }

    private sealed class Collect(List<DeepKernelFitProgress> into) : IProgress<DeepKernelFitProgress>
    {
        public void Report(DeepKernelFitProgress value) => into.Add(value);
    }
}
