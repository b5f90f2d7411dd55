using Overfit.LinearModels;
using Overfit.LinearModels.ModelSelection;
using R = Overfit.Tests.LinearModels.LinearReference;

namespace Overfit.Tests.LinearModels;

public class ModelSelectionTests
{
    [Fact]
    public void KFoldMatchesScikitLearnSizes()
    {
        var splits = new KFold(3).Split(10).ToArray();
        Assert.Equal([0, 1, 2, 3], splits[0].Test);
        Assert.Equal([4, 5, 6], splits[1].Test);
        Assert.Equal([7, 8, 9], splits[2].Test);
        Assert.Equal([0, 1, 2, 3, 7, 8, 9], splits[1].Train);
    }

    [Fact]
    public void ShuffledSplittersAreSeededPartitions()
    {
        var a = new KFold(4, shuffle: true, seed: 7).Split(21).ToArray();
        var b = new KFold(4, shuffle: true, seed: 7).Split(21).ToArray();
        Assert.Equal(a.Select(s => s.Test), b.Select(s => s.Test));
        Assert.Equal(Enumerable.Range(0, 21), a.SelectMany(s => s.Test).Order());
        foreach (var (train, test) in new ShuffleSplit(5, testSize: 0.25, seed: 3).Split(20))
        {
            Assert.Equal(5, test.Length);
            Assert.Equal(15, train.Length);
            Assert.Empty(train.Intersect(test));
        }
    }

    [Fact]
    public void CrossValScoreMatchesScikitLearn()
    {
        var (x, y) = LinearTestData.Dense();
        Close.All(R.CrossValScoreRidgeDense, CrossValidation.CrossValScore(new Ridge(1.0), x, y), what: "R² per fold");
        Close.All(R.CrossValScoreRidgeDenseMse, CrossValidation.CrossValScore(new Ridge(1.0), x, y, new KFold(4), Scoring.NegMeanSquaredError),
            what: "−MSE per fold");
    }

    [Fact]
    public void ValidationCurveOverPolynomialDegreeMatchesScikitLearn()
    {
        var x = LinearTestData.Column(LinearTestData.SineX());
        double[] degrees = [1, 2, 3, 5, 8];
        var curve = CrossValidation.ValidationCurve(d => new Pipeline(new PolynomialFeatures((int)d), new LinearRegression()), degrees, x, R.SineY);
        Close.All(R.ValidationCurveTrain, LinearTestData.Flatten(curve.TrainScores), 1e-6, 1e-9, "train scores");
        Close.All(R.ValidationCurveTest, LinearTestData.Flatten(curve.TestScores), 1e-6, 1e-9, "test scores");
        // Training fit only improves with capacity: the under/overfitting story's first half.
        var meanTrain = curve.TrainScores.Select(s => s.Average()).ToArray();
        for (int i = 1; i < meanTrain.Length; i++) Assert.True(meanTrain[i] >= meanTrain[i - 1] - 1e-12);
    }

    [Fact]
    public void LearningCurveMatchesScikitLearn()
    {
        var (x, y) = LinearTestData.SparseTruth();
        var lc = CrossValidation.LearningCurve(new Ridge(1.0), x, y, [0.1, 0.5, 1.0]);
        Assert.Equal(R.LearningCurveSizes.Select(v => (int)v), lc.TrainSizes);
        Close.All(R.LearningCurveTrain, LinearTestData.Flatten(lc.TrainScores), what: "train scores");
        Close.All(R.LearningCurveTest, LinearTestData.Flatten(lc.TestScores), what: "test scores");
    }
}
