using Overfit.Data.Tabular;
using Xunit;

namespace Overfit.Tests.Data;

public class DiabetesTests
{
    // Reference: sklearn 1.2 (python3-sklearn), load_diabetes().data[0], .target[:3], .data[441][9],
    // and load_diabetes(scaled=False).data[0].
    [Fact]
    public void ScaledRowsMatchScikitLearn()
    {
        TabularDataset data = Diabetes.Load();
        Assert.Equal(442, data.X.GetLength(0));
        Assert.Equal(10, data.X.GetLength(1));
        Assert.Equal(["age", "sex", "bmi", "bp", "s1", "s2", "s3", "s4", "s5", "s6"], data.FeatureNames);
        double[] firstRow = [0.03807591, 0.05068012, 0.06169621, 0.02187239, -0.0442235, -0.03482076, -0.04340085, -0.00259226, 0.01990749, -0.01764613];
        for (int j = 0; j < 10; j++) Assert.Equal(firstRow[j], data.X[0, j], 7);
        Assert.Equal(0.0030644094143684884, data.X[441, 9], 12);
        Assert.Equal([151.0, 75.0, 141.0], data.Y[..3]);
        for (int j = 0; j < 10; j++)
        {
            double sumSquares = 0;
            for (int i = 0; i < 442; i++) sumSquares += data.X[i, j] * data.X[i, j];
            Assert.Equal(1.0, sumSquares, 12);
        }
    }

    [Fact]
    public void RawValuesAreTheClinicalMeasurements()
    {
        TabularDataset data = Diabetes.Load(scaled: false);
        double[] firstRow = [59, 2, 32.1, 101, 157, 93.2, 38, 4, 4.8598, 87];
        for (int j = 0; j < 10; j++) Assert.Equal(firstRow[j], data.X[0, j]);
    }
}
