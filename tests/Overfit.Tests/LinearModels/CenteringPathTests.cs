using Overfit.LinearModels;

namespace Overfit.Tests.LinearModels;

/// <summary>
/// The Gram statistics take one of two routes: X read in place (means small against the spread) or an explicitly
/// centered copy (a large offset would cancel in XᵀX − n·μμᵀ). With an intercept, shifting every column by a constant
/// must change nothing but the intercept, so the two routes must agree.
/// </summary>
public sealed class CenteringPathTests
{
    private static (double[,] X, double[,] Shifted, double[] Y, double[] Offsets) Data()
    {
        var (x, y) = LinearTestData.SparseTruth();
        int n = x.GetLength(0), p = x.GetLength(1);
        var offsets = new double[p];
        for (int j = 0; j < p; j++) offsets[j] = 50.0 + 3 * j;
        var shifted = new double[n, p];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < p; j++) shifted[i, j] = x[i, j] + offsets[j];
        return (x, shifted, y, offsets);
    }

    [Fact]
    public void LassoCvIsInvariantToColumnOffsets()
    {
        var (x, shifted, y, offsets) = Data();
        var a = new LassoCV(nAlphas: 20, cv: 4).Fit(x, y);
        var b = new LassoCV(nAlphas: 20, cv: 4).Fit(shifted, y);
        Assert.Equal(a.Alpha, b.Alpha, 12);
        Close.All(LinearTestData.Flatten(a.MsePath[0]), LinearTestData.Flatten(b.MsePath[0]), 1e-8, 1e-12, "MSE path");
        Close.All(a.Coefficients, b.Coefficients, 1e-8, 1e-12, "coefficients");
        double shiftTerm = 0;
        for (int j = 0; j < offsets.Length; j++) shiftTerm += offsets[j] * b.Coefficients[j];
        Assert.Equal(a.Intercept, b.Intercept + shiftTerm, 8);
    }

    [Fact]
    public void RidgeCholeskyIsInvariantToColumnOffsets()
    {
        var (x, shifted, y, offsets) = Data();
        var a = new Ridge(0.5, solver: RidgeSolver.Cholesky).Fit(x, y);
        var b = new Ridge(0.5, solver: RidgeSolver.Cholesky).Fit(shifted, y);
        Close.All(a.Coefficients, b.Coefficients, 1e-9, 1e-12, "coefficients");
        double shiftTerm = 0;
        for (int j = 0; j < offsets.Length; j++) shiftTerm += offsets[j] * b.Coefficients[j];
        Assert.Equal(a.Intercept, b.Intercept + shiftTerm, 8);
    }
}
