using Overfit.Data.Preprocessing;
using Overfit.Tensors;

namespace Overfit.Tests.Data;

// Expected values: /usr/bin/python3 tests/fixtures/reference/data/data_chapter_synthetic.py (python3-sklearn 1.2.1).
public class PreprocessingTests
{
    [Fact]
    public void ShuffledSplitIsScikitLearnsPermutation()
    {
        var (train, test) = TrainTestSplit.Indices(2000, 0.3, randomState: 42);
        Assert.Equal(600, test.Length);
        Assert.Equal(1400, train.Length);
        Assert.Equal(new[] { 1860, 353, 1333, 905 }, test[..4]);
        Assert.Equal(new[] { 1956, 925, 942 }, test[^3..]);
        Assert.Equal(Enumerable.Range(0, 2000), train.Concat(test).Order());
    }

    [Fact]
    public void StratifiedSplitMatchesScikitLearn()
    {
        int[] labels = [.. Enumerable.Repeat(0, 7), .. Enumerable.Repeat(1, 11), .. Enumerable.Repeat(2, 5)];
        var (train, test) = TrainTestSplit.Indices(labels.Length, 0.3, randomState: 3, stratify: labels);
        Assert.Equal(new[] { 16, 4, 17, 21, 3, 15, 1, 20, 5, 13, 9, 6, 8, 14, 19, 11 }, train);
        Assert.Equal(new[] { 12, 22, 7, 0, 10, 2, 18 }, test);
    }

    [Fact]
    public void UnshuffledSplitKeepsOrder()
    {
        var (train, test) = TrainTestSplit.Indices(23, 0.25, shuffle: false);
        Assert.Equal(16, train[^1]);
        Assert.Equal(new[] { 17, 18, 19, 20, 21, 22 }, test);
    }

    [Fact]
    public void SplitBadInputIsNamed()
    {
        Assert.Equal("testSize", Assert.Throws<ArgumentOutOfRangeException>(() => TrainTestSplit.Indices(10, 1.5)).ParamName);
        Assert.Equal("count", Assert.Throws<ArgumentOutOfRangeException>(() => TrainTestSplit.Indices(0)).ParamName);
        Assert.Contains("only 1 member", Assert.Throws<ArgumentException>(() => TrainTestSplit.Indices(4, 0.5, stratify: [0, 0, 0, 1])).Message);
        Assert.Equal("y", Assert.Throws<ArgumentException>(() => TrainTestSplit.Split(new double[3, 2], new int[2])).ParamName);
    }

    [Fact]
    public void StandardScalerMatchesScikitLearnAndInverts()
    {
        double[,] m = { { 1.0, 5.0, 2.0 }, { 3.0, 5.0, -1.0 }, { 4.0, 5.0, 7.5 }, { -2.0, 5.0, 0.25 } };
        var scaler = new StandardScaler().Fit(m);
        Assert.Equal(new[] { 1.5, 5.0, 2.1875 }, scaler.Mean);
        Assert.Equal(new[] { 5.25, 0.0, 10.54296875 }, scaler.Variance);
        Assert.Equal(2.29128784747792, scaler.Scale![0], 1e-14);
        Assert.Equal(1.0, scaler.Scale[1]);
        double[,] z = scaler.Transform(m);
        Assert.Equal(1.091089451179962, z[2, 0], 1e-14);
        Assert.Equal(0.0, z[2, 1]);
        Assert.Equal(1.6361287775741324, z[2, 2], 1e-14);
        double[,] back = scaler.InverseTransform(z);
        for (int r = 0; r < 4; r++)
            for (int c = 0; c < 3; c++) Assert.Equal(m[r, c], back[r, c], 1e-12);
        Assert.Equal(DType.Float32, scaler.Transform(Tensor.FromArray(new float[,] { { 1, 2, 3 } })).DType);
    }

    [Fact]
    public void StandardScalerBadInputIsNamed()
    {
        Assert.Contains("not fitted", Assert.Throws<InvalidOperationException>(() => new StandardScaler().Transform(new double[1, 1])).Message);
        var scaler = new StandardScaler().Fit(new double[,] { { 1, 2 }, { 3, 4 } });
        var e = Assert.Throws<ArgumentException>(() => scaler.Transform(new double[,] { { 1, 2, 3 } }));
        Assert.Contains("must have 2 features", e.Message);
        Assert.Contains("matrix", Assert.Throws<ArgumentException>(() => scaler.Fit(Tensor.Zeros([3]))).Message);
        var noStd = new StandardScaler(withStd: false).Fit(new double[,] { { 1 }, { 3 } });
        Assert.Equal(-1, noStd.Transform(new double[,] { { 1 } })[0, 0]);
        Assert.Null(noStd.Scale);
    }
}
