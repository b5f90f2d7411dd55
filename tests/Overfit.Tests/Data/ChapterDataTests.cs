using Overfit.Data.Random;
using Overfit.Data.Synthetic;

namespace Overfit.Tests.Data;

// Expected values: /usr/bin/python3 tests/fixtures/reference/data/data_chapter_synthetic.py (python3-numpy 1.24.2, python3-sklearn 1.2.1),
// which runs the chapter's own generation code.
public class ChapterDataTests
{
    [Fact]
    public void NoisySineMatchesNumPy()
    {
        Curve c = ChapterData.NoisySine(new RandomState(0));
        Assert.Equal(70, c.X.Length);
        Assert.Equal(Math.PI / 180 * 40, c.X[0]);
        Assert.Equal(Math.PI / 180 * 316, c.X[^1]);
        Assert.Equal(0.6623130112574691, c.Y[0], 1e-14);
        Assert.Equal(0.780734117007965, c.Y[1], 1e-14);
        Assert.Equal(-0.8562190073014124, c.Y[69], 1e-14);
    }

    [Fact]
    public void GaussianSineMatchesNumPy()
    {
        Curve c = ChapterData.NoisySineGaussian(new RandomState(0));
        Assert.Equal(30, c.X.Length);
        Assert.Equal(1.3484085480736048, c.Y[0], 1e-14);
        Assert.Equal(0.9032077088242837, c.Y[1], 1e-14);
        Assert.Equal(-0.411647319058982, c.Y[29], 1e-14);
    }

    [Fact]
    public void PoweredFeaturesMatchTheChapterPrintout()
    {
        // The chapter prints new_x for x = pi/180 * [20, 25, 30] and p = 3.
        double[,] x = ChapterData.PoweredFeatures(ChapterData.DegreesToRadians(20, 35, 5), 3);
        double[,] printed = { { 0.34906585, 0.12184697, 0.04253262 }, { 0.43633231, 0.19038589, 0.08307151 }, { 0.52359878, 0.27415568, 0.14354758 } };
        Assert.Equal(3, x.GetLength(0));
        for (int r = 0; r < 3; r++)
            for (int c = 0; c < 3; c++) Assert.Equal(printed[r, c], x[r, c], 5e-9);
        Assert.Equal("p", Assert.Throws<ArgumentOutOfRangeException>(() => ChapterData.PoweredFeatures([1.0], 0)).ParamName);
    }

    [Fact]
    public void DropoutDataMatchesNumPyAndScikitLearn()
    {
        DropoutData d = ChapterData.Dropout();
        Assert.Equal((1400, 30), (d.XTrain.GetLength(0), d.XTrain.GetLength(1)));
        Assert.Equal((600, 30), (d.XTest.GetLength(0), d.XTest.GetLength(1)));
        Assert.Equal(1011, d.YTrain.Sum() + d.YTest.Sum());
        Assert.Equal(709, d.YTrain.Sum());
        Assert.Equal(302, d.YTest.Sum());
        Assert.Equal(new float[] { 0, 1, 0, 0, 0, 1, 1, 1, 1, 0 }, d.YTrain[..10]);
        Assert.Equal(0.029530252378525412, d.Scaler.Mean![0], 1e-12);
        Assert.Equal(-0.02724805277672463, d.Scaler.Mean[1], 1e-12);
        Assert.Equal(0.99767435529924, d.Scaler.Variance![0], 1e-11);
        Assert.Equal(1.0053428327377547, d.Scaler.Variance[2], 1e-11);
        float[] trainRow = [d.XTrain[0, 0], d.XTrain[0, 1], d.XTrain[0, 2]];
        float[] expectedTrain = [-0.5802987217903137f, 0.5132757425308228f, -1.1185263395309448f];
        for (int i = 0; i < 3; i++) Assert.Equal(expectedTrain[i], trainRow[i], 1e-6f);
        float[] expectedTest = [-0.4742872416973114f, -0.866140604019165f, 0.9668019413948059f];
        for (int i = 0; i < 3; i++) Assert.Equal(expectedTest[i], d.XTest[599, 27 + i], 1e-6f);
    }

    [Fact]
    public void BatchNormDemoIsTheChaptersData()
    {
        double[,] x = ChapterData.BatchNormDemo();
        Assert.Equal(3.745401188473625, x[0, 0], 1e-14);
        Assert.Equal(9.50714306409916, x[0, 1], 1e-14);
        double mean0 = Enumerable.Range(0, 50).Average(r => x[r, 0]);
        Assert.Equal("4.40716778", mean0.ToString("F8"));
    }

    [Fact]
    public void DeepKernelSineAndBikeRoute()
    {
        Curve c = ChapterData.DeepKernelSine();
        Assert.Equal(-10, c.X[0]);
        Assert.Equal(10, c.X[99]);
        Assert.Equal(0.5936925261904931, c.Y[0], 1e-14);
        Assert.Equal(0.13324681719758344, c.Y[50], 1e-14);
        Assert.Equal(-0.5674798242268845, c.Y[99], 1e-14);
        Assert.Equal(new double[] { 0, 2, 5, 8, 10 }, ChapterData.BikeRouteFivePoints().Times);
        Assert.Equal(new double[] { 0, 1, 2.5, 1.5, 3, 2, 1, 4 }, ChapterData.BikeRouteEightPoints().Positions);
        double[] t = ChapterData.BikeRoutePredictionTimes();
        Assert.Equal(100, t.Length);
        Assert.Equal(10.0 / 99, t[1], 1e-15);
    }
}
