using System.Text.Json;
using Overfit.Tuning;

namespace Overfit.Tests.Tuning;

public class FanovaCoreTests
{
    internal static JsonElement Fixture(string name)
        => JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "fixtures", "reference", "tuning", name))).RootElement;

    [Fact]
    public void ForestFitsTrainingDataAndPredictsPiecewiseConstant()
    {
        var x = new double[40, 2];
        var y = new double[40];
        for (int i = 0; i < 40; i++) { x[i, 0] = i; x[i, 1] = (i * 7) % 5; y[i] = i < 20 ? 1 : 3; }
        var trees = RegressionForest.Fit(x, y, nTrees: 8, seed: 1);
        foreach (var t in trees)
        {
            Assert.Equal(1, t.Predict([5.0, 0]));
            Assert.Equal(3, t.Predict([35.0, 0]));
            Assert.Equal(0, t.Feature[0]);              // the only useful split is on feature 0
            // Halfway between the largest bootstrapped x below 20 and the smallest at or above it.
            Assert.True(t.Threshold[0] > 15 && t.Threshold[0] < 24, $"threshold {t.Threshold[0]}");
        }
    }

    [Fact]
    public void SingleTreeVarianceDecompositionIsExactForAdditiveSteps()
    {
        // A hand-built tree: split x0 at 0.5 (left 0, right 2), each side split x1 at 0.5 (+0 / +1): f = 2[x0>.5] + [x1>.5].
        var tree = new RegressionTree
        {
            Feature = [0, 1, -1, -1, 1, -1, -1],
            Threshold = [0.5, 0.5, -2, -2, 0.5, -2, -2],
            Left = [1, 2, -1, -1, 5, -1, -1],
            Right = [4, 3, -1, -1, 6, -1, -1],
            Value = [1.5, 0.5, 0, 1, 2.5, 2, 3],
        };
        var fanova = new FanovaTree(tree, new double[,] { { 0, 1 }, { 0, 1 } });
        Assert.Equal(1.25, fanova.Variance, 12);              // Var(2B) + Var(B) for independent fair bits
        Assert.Equal(1.0, fanova.MarginalVariance([0]), 12);
        Assert.Equal(0.25, fanova.MarginalVariance([1]), 12);
        Assert.Equal(1.25, fanova.MarginalVariance([0, 1]), 12);
    }

    [Fact]
    public void MatchesOptunaFanovaOnFixtureStudy()
    {
        // tests/fixtures/reference/tuning/fanova_study.py: Optuna 3.1's FanovaImportanceEvaluator, forest seeds 0-9.
        // The forests differ by random stream, so compare the mean over 10 forest seeds to Optuna's mean over its 10:
        // the same ranking, and each normalized importance within 0.05 (Optuna's own seed-to-seed spread is ~0.05).
        var fx = Fixture("fanova_study.json");
        var rows = fx.GetProperty("encoded_x").EnumerateArray().Select(r => r.EnumerateArray().Select(v => v.GetDouble()).ToArray()).ToArray();
        var x = new double[rows.Length, rows[0].Length];
        for (int i = 0; i < rows.Length; i++) for (int j = 0; j < rows[i].Length; j++) x[i, j] = rows[i][j];
        var y = fx.GetProperty("trials").EnumerateArray().Select(t => t.GetProperty("value").GetDouble()).ToArray();
        var b = fx.GetProperty("bounds").EnumerateArray().Select(r => r.EnumerateArray().Select(v => v.GetDouble()).ToArray()).ToArray();
        var space = new double[b.Length, 2];
        for (int i = 0; i < b.Length; i++) { space[i, 0] = b[i][0]; space[i, 1] = b[i][1]; }
        var columns = fx.GetProperty("columns").EnumerateArray().Select(c => c.EnumerateArray().Select(v => v.GetInt32()).ToArray()).ToArray();
        var names = fx.GetProperty("names").EnumerateArray().Select(n => n.GetString()!).ToArray();
        var mean = new double[names.Length];
        for (ulong seed = 0; seed < 10; seed++)
        {
            var imp = Fanova.Importances(x, y, space, columns, seed: seed);
            double total = imp.Sum();
            for (int p = 0; p < names.Length; p++) mean[p] += imp[p] / total / 10;
        }
        var expected = names.Select(n => fx.GetProperty("importance_mean").GetProperty(n).GetDouble()).ToArray();
        for (int p = 0; p < names.Length; p++) Assert.True(Math.Abs(mean[p] - expected[p]) < 0.05, $"{names[p]}: {mean[p]} vs Optuna {expected[p]}");
        Assert.Equal(Enumerable.Range(0, names.Length).OrderBy(p => -expected[p]), Enumerable.Range(0, names.Length).OrderBy(p => -mean[p]));
    }

    [Fact]
    public void ConstantTargetIsRejected()
        => Assert.Contains("zero total variance", Assert.Throws<InvalidOperationException>(
            () => Fanova.Importances(new double[,] { { 0 }, { 1 }, { 2 } }, [1.0, 1, 1], new double[,] { { 0, 2 } }, [[0]])).Message);
}
