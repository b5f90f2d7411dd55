using Overfit.LinearModels;
using R = Overfit.Tests.LinearModels.LinearReference;

namespace Overfit.Tests.LinearModels;

public class PolynomialTests
{
    private static readonly double[] X = LinearTestData.SineX();

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(10)]
    public void PolyfitMatchesNumpy(int degree)
    {
        var fit = Polynomial.Fit(X, R.SineY, degree);
        var (coef, rank, singular, fitted) = Expected(degree);
        Close.All(coef, fit.Coefficients, what: "coefficients");
        Assert.Equal(rank, fit.Rank);
        Close.All(singular, fit.SingularValues, 1e-9, 1e-14, "singular values");
        Close.All(fitted, fit.Evaluate(X), what: "fitted values");
        Assert.False(fit.IsPoorlyConditioned);
        Assert.Null(fit.Warning);
    }

    [Fact]
    public void Degree21IsReportedAsPoorlyConditionedLikeNumpy()
    {
        var fit = Polynomial.Fit(X, R.SineY, 21);
        Assert.Equal(R.Polyfit21Rank, fit.Rank);
        Assert.Equal(1, R.Polyfit21Warned);
        Assert.True(fit.IsPoorlyConditioned);
        Assert.Contains("poorly conditioned", fit.Warning);
        Assert.Contains("FitChebyshev", fit.Warning);
        // Singular values agree to a small multiple of eps·s_max. The fit itself is truncated at rank 19 while the 19th
        // and 20th singular values straddle the cutoff rcond·s_max, so its fitted values depend on rounding inside
        // either SVD: they agree to 1e-4 — which is exactly why the warning recommends the Chebyshev fit below.
        Close.All(R.Polyfit21Singular, fit.SingularValues, 1e-6, 1e-13 * R.Polyfit21Singular[0], "singular values");
        Close.All(R.Polyfit21Fitted, fit.Evaluate(X), 1e-4, 1e-4, "fitted values");
    }

    [Fact]
    public void ChebyshevAlternativeIsFullRankAndMatchesNumpy()
    {
        var fit = Polynomial.FitChebyshev(X, R.SineY, 21);
        Assert.False(fit.IsPoorlyConditioned);
        Assert.Equal(22, fit.Rank);
        Close.All(R.Cheb21Coef, fit.Coefficients, 1e-6, 1e-10, "Chebyshev coefficients");
        Close.All(R.Cheb21Fitted, fit.Evaluate(X), what: "Chebyshev fitted values");
    }

    [Fact]
    public void WeightedFitMatchesNumpy()
    {
        var w = X.Select(v => 1.0 + v / 10.0).ToArray();
        Close.All(R.PolyfitWeighted2Coef, Polynomial.Fit(X, R.SineY, 2, w).Coefficients, what: "weighted coefficients");
    }

    [Fact]
    public void TensorOverloadGivesTheSameFit()
    {
        var fit = Polynomial.Fit(Overfit.Tensors.Tensor.FromArray(X), Overfit.Tensors.Tensor.FromArray(R.SineY), 3);
        Close.All(R.Polyfit3Coef, fit.Coefficients, what: "coefficients");
    }

    [Fact]
    public void BadInputIsRejectedWithClearMessages()
    {
        var e1 = Assert.Throws<ArgumentOutOfRangeException>(() => Polynomial.Fit(X, R.SineY, -1));
        Assert.Contains("degree must be >= 0, got -1", e1.Message);
        var e2 = Assert.Throws<ArgumentException>(() => Polynomial.Fit(X, R.SineY[..10], 2));
        Assert.Contains("same length, got 70 and 10", e2.Message);
        var y = (double[])R.SineY.Clone();
        y[5] = double.NaN;
        var e3 = Assert.Throws<ArgumentException>(() => Polynomial.Fit(X, y, 2));
        Assert.Contains("y must contain only finite values, got NaN at index 5", e3.Message);
        var x = (double[])X.Clone();
        x[2] = double.PositiveInfinity;
        Assert.Contains("x must contain only finite values", Assert.Throws<ArgumentException>(() => Polynomial.Fit(x, R.SineY, 2)).Message);
        Assert.Contains("weights must have one value per sample (70), got 3",
            Assert.Throws<ArgumentException>(() => Polynomial.Fit(X, R.SineY, 2, [1, 2, 3])).Message);
    }

    private static (double[], int, double[], double[]) Expected(int degree) => degree switch
    {
        1 => (R.Polyfit1Coef, R.Polyfit1Rank, R.Polyfit1Singular, R.Polyfit1Fitted),
        3 => (R.Polyfit3Coef, R.Polyfit3Rank, R.Polyfit3Singular, R.Polyfit3Fitted),
        _ => (R.Polyfit10Coef, R.Polyfit10Rank, R.Polyfit10Singular, R.Polyfit10Fitted),
    };
}
