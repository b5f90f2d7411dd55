using Overfit.Data;
using Overfit.NN;
using Overfit.Optim;
using Overfit.Tensors;
using Overfit.Tests.Fixtures;

namespace Overfit.Tests.NN;

public class McDropoutPredictorTests
{
    [Fact]
    public void TestLogLikelihood_Rmse_AndVariance_MatchNumPy()
    {
        // tests/fixtures/reference/uncertainty/mc_dropout_loglik.py: the paper's formula with scipy.special.logsumexp.
        var doc = ReferenceFixture.LoadDocument("uncertainty/mc_dropout_loglik.json");
        int cases = 0;
        foreach (var c in doc.GetProperty("cases").EnumerateArray())
        {
            var rows = c.GetProperty("samples").EnumerateArray().Select(r => r.EnumerateArray().Select(v => v.GetDouble()).ToArray()).ToArray();
            var samples = new double[rows.Length, rows[0].Length];
            for (int s = 0; s < rows.Length; s++) for (int i = 0; i < rows[0].Length; i++) samples[s, i] = rows[s][i];
            var y = c.GetProperty("y").EnumerateArray().Select(v => v.GetDouble()).ToArray();
            double tau = c.GetProperty("tau").GetDouble();
            var prediction = new McRegressionPrediction(samples, tau);
            double expected = c.GetProperty("test_ll").GetDouble();
            Assert.Equal(expected, prediction.LogLikelihood(y), 1e-10 * Math.Max(1, Math.Abs(expected)));
            Assert.Equal(c.GetProperty("rmse").GetDouble(), prediction.Rmse(y), 1e-12);
            var variance = c.GetProperty("variance").EnumerateArray().Select(v => v.GetDouble()).ToArray();
            for (int i = 0; i < y.Length; i++) Assert.Equal(variance[i], prediction.Variance[i], 1e-10 * variance[i]);
            cases++;
        }
        Assert.Equal(4, cases);
    }

    [Fact]
    public void TestLogLikelihood_OfIdenticalSamples_IsTheGaussianDensity()
    {
        // All T samples equal m: the mixture is N(m, 1/τ), so ll = −½ log 2π + ½ log τ − τ/2 (y − m)².
        var samples = new double[3, 2] { { 1, -2 }, { 1, -2 }, { 1, -2 } };
        double tau = 2.5;
        double expected = (-0.5 * Math.Log(2 * Math.PI) + 0.5 * Math.Log(tau) - tau / 2 * 0.25
                         + -0.5 * Math.Log(2 * Math.PI) + 0.5 * Math.Log(tau) - tau / 2 * 1.0) / 2;
        Assert.Equal(expected, McRegressionPrediction.TestLogLikelihood(samples, [1.5, -1], tau), 1e-13);
        // Rescaling y = 10 + 3 ŷ divides τ by 9 and shifts the log density by −log 3.
        var p = new McRegressionPrediction(samples, tau);
        var scaled = p.Rescale(10, 3);
        Assert.Equal(tau / 9, scaled.Tau, 15);
        Assert.Equal(p.LogLikelihood([1.5, -1]) - Math.Log(3), scaled.LogLikelihood([14.5, 7]), 12);
    }

    [Fact]
    public void ModelPrecision_FollowsTheAppendixFormula()
    {
        // τ = (1 − p) l² / (2 N λ); the paper's code sets λ = l² (1 − p) / (2 N τ) (the same equation solved for λ).
        Assert.Equal(0.95 * 1e-4 / (2 * 398 * 1e-6), McDropoutPredictor.ModelPrecision(0.05, 1e-2, 1e-6, 398), 12);
        double lambda = McDropoutPredictor.WeightDecay(0.05, 1e-2, 0.5, 398);
        Assert.Equal(0.5, McDropoutPredictor.ModelPrecision(0.05, 1e-2, lambda, 398), 12);
        Assert.Throws<ArgumentOutOfRangeException>(() => McDropoutPredictor.ModelPrecision(1, 1e-2, 1e-6, 10));
        Assert.Throws<ArgumentOutOfRangeException>(() => McDropoutPredictor.ModelPrecision(0.1, 1e-2, 0, 10));
        Assert.Throws<ArgumentOutOfRangeException>(() => McDropoutPredictor.WeightDecay(0.1, 1e-2, 1, 0));
    }

    [Fact]
    public void Passes_OfDropoutThenLinear_HaveTheClosedFormMeanAndVariance()
    {
        // y = w·(m ⊙ x / (1 − p)) + b with m ~ Bernoulli(1 − p): E[y] = w·x + b, Var[y] = p/(1 − p) Σ w_j² x_j².
        const double P = 0.3;
        var linear = new Linear(3, 1, generator: new Generator(7), dtype: DType.Float64);
        var model = new Sequential(new Dropout(P, new Generator(8)), linear);
        var x = Tensor.FromArray(new double[,] { { 1.0, -2.0, 0.5 }, { 0.2, 0.3, -1.5 } });
        const int T = 20000;
        var prediction = new McDropoutPredictor(model, T).PredictRegression(x, tau: 4);
        var w = linear.Weight.ToDoubleArray();
        double b = linear.Bias!.ToDoubleArray()[0];
        var xs = x.ToDoubleArray();
        for (int i = 0; i < 2; i++)
        {
            double mean = b, variance = 0;
            for (int j = 0; j < 3; j++) { mean += w[j] * xs[i * 3 + j]; variance += w[j] * w[j] * xs[i * 3 + j] * xs[i * 3 + j]; }
            variance *= P / (1 - P);
            Assert.True(Math.Abs(prediction.Mean[i] - mean) < 5 * Math.Sqrt(variance / T), $"row {i}: mean {prediction.Mean[i]} vs {mean}");
            Assert.True(Math.Abs(prediction.ModelVariance[i] / variance - 1) < 0.05, $"row {i}: variance {prediction.ModelVariance[i]} vs {variance}");
            Assert.Equal(prediction.ModelVariance[i] + 0.25, prediction.Variance[i], 12);
        }
        Assert.Equal(T, prediction.Passes);
        Assert.True(model.Training); // restored: a new module starts in training mode
    }

    [Fact]
    public void Regression_OnTinySeededData_IsReproducible_AndMoreUncertainAwayFromTheData()
    {
        static McRegressionPrediction Run()
        {
            var g = new Generator(11);
            var xs = Enumerable.Range(0, 64).Select(i => -2 + 4.0 * i / 63).ToArray();
            var x = Tensor.FromArray(xs.Select(v => (float)v).ToArray(), [64, 1]);
            var y = Tensor.FromArray(xs.Select(v => (float)(Math.Sin(2 * v) + 0.05 * g.NextNormal())).ToArray(), [64, 1]);
            var model = new Sequential(new Linear(1, 50, generator: new Generator(12)), new ReLU(), new Dropout(0.1, new Generator(13)), new Linear(50, 1, generator: new Generator(14)));
            var trainer = new Trainer(model, new Adam(model.Parameters(), lr: 1e-2), new MSELoss(), evaluationsPerEpoch: 1);
            trainer.Fit(new DataLoader(new TensorDataset(x, targets: y), 16, shuffle: true, seed: 15), null, epochs: 60);
            return new McDropoutPredictor(model, 200).PredictRegression(Tensor.FromArray(new float[] { 0.5f, 1.0f, 8f }, [3, 1]), tau: 100);
        }
        var a = Run();
        var b = Run();
        Assert.Equal(a.Mean, b.Mean);
        Assert.True(Math.Abs(a.Mean[0] - Math.Sin(1.0)) < 0.3, $"mean at 0.5: {a.Mean[0]}");
        // Far outside [−2, 2] the passes disagree much more than inside it.
        Assert.True(a.ModelVariance[2] > 10 * a.ModelVariance[1], $"variance in {a.ModelVariance[1]}, out {a.ModelVariance[2]}");
    }

    [Fact]
    public void Classification_EntropyIsBetweenZeroAndLogC()
    {
        var model = new Sequential(new Dropout(0.5, new Generator(3)), new Linear(4, 3, generator: new Generator(4)));
        var x = Tensor.FromArray(new float[,] { { 0, 0, 0, 0 }, { 30, -30, 30, -30 } });
        var prediction = new McDropoutPredictor(model, 50).PredictClassification(x);
        Assert.Equal(2, prediction.Entropy.Length);
        Assert.All(prediction.Entropy, h => Assert.InRange(h, 0, Math.Log(3) + 1e-12));
        Assert.All(prediction.MutualInformation, m => Assert.True(m >= 0 && m <= Math.Log(3)));
        // A zero input gives the same logits (the bias) in every pass: no disagreement between passes.
        Assert.Equal(0, prediction.MutualInformation[0], 12);
        for (int i = 0; i < 2; i++) Assert.Equal(1, Enumerable.Range(0, 3).Sum(j => prediction.Probabilities[i, j]), 12);
    }

    [Fact]
    public void BadArguments_AreRefused()
    {
        var model = new Sequential(new Linear(2, 8), new Dropout(0.2), new Linear(8, 1));
        Assert.Equal("samples", Assert.Throws<ArgumentOutOfRangeException>(() => new McDropoutPredictor(model, 1)).ParamName);
        Assert.Contains("at least 2", Assert.Throws<ArgumentOutOfRangeException>(() => new McDropoutPredictor(model, 0)).Message);
        Assert.Equal("model", Assert.Throws<ArgumentException>(() => new McDropoutPredictor(new Linear(2, 1), 10)).ParamName);
        Assert.Throws<ArgumentException>(() => new McDropoutPredictor(new Sequential(new Linear(2, 2), new Dropout(0.2)), 5)
            .PredictRegression(Tensor.Zeros([3, 2]), 1));
        Assert.Throws<ArgumentException>(() => new McRegressionPrediction(new double[1, 3], 1));
        Assert.Throws<ArgumentException>(() => McRegressionPrediction.TestLogLikelihood(new double[2, 3], [1, 2], 1));
    }
}
