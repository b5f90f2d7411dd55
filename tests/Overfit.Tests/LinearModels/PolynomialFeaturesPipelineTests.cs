using Overfit.LinearModels;
using R = Overfit.Tests.LinearModels.LinearReference;

namespace Overfit.Tests.LinearModels;

public class PolynomialFeaturesPipelineTests
{
    [Fact]
    public void FeatureNamesAndOrderMatchScikitLearn()
    {
        var pf = new PolynomialFeatures(3).Fit(new double[1, 2]);
        Assert.Equal(R.PolyFeatureNames3, pf.GetFeatureNames());
        var inter = new PolynomialFeatures((2, 3), includeBias: false, interactionOnly: true).Fit(new double[1, 4]);
        Assert.Equal(R.PolyFeatureNamesInteraction, inter.GetFeatureNames());
        Assert.Equal(["1", "a", "b", "a^2", "a b", "b^2"], new PolynomialFeatures(2).Fit(new double[1, 2]).GetFeatureNames(["a", "b"]));
    }

    [Fact]
    public void TransformMatchesScikitLearn()
    {
        var z = new PolynomialFeatures(3).FitTransform(new double[,] { { 0.5, -2.0 }, { 3.0, 0.25 } });
        Close.All(R.PolyFeatureTransform3, LinearTestData.Flatten(z), what: "features");
    }

    [Theory]
    [InlineData(0.1, "01")]
    [InlineData(10.0, "10")]
    public void ChapterPipelineWithSvdRidgeMatchesScikitLearn(double alpha, string tag)
    {
        var x = LinearTestData.Column(LinearTestData.Sine2X());
        var model = new Pipeline(new PolynomialFeatures(10), new Ridge(alpha, solver: RidgeSolver.Svd)).Fit(x, R.Sine2Y);
        var ridge = (Ridge)model.Estimator;
        var (pred, coef, intercept) = tag == "01"
            ? (R.PipelineRidgeSvd01Pred, R.PipelineRidgeSvd01Coef, R.PipelineRidgeSvd01Intercept)
            : (R.PipelineRidgeSvd10Pred, R.PipelineRidgeSvd10Coef, R.PipelineRidgeSvd10Intercept);
        Close.All(pred, model.Predict(x), what: "predictions");
        Close.All(coef, ridge.Coefficients, 1e-6, 1e-12, "coefficients");
        Close.One(intercept, ridge.Intercept, what: "intercept");
    }

    [Theory]
    [InlineData(0.1, "01")]
    [InlineData(10.0, "10")]
    public void ChapterPipelineWithAutoSolverPredictsLikeScikitLearn(double alpha, string tag)
    {
        // Degree-10 powers of x up to 4.7 make XᵀX + αI condition ~1e15: Cholesky answers of any two implementations
        // agree only to a few digits in the coefficients; the predictions agree much better.
        var x = LinearTestData.Column(LinearTestData.Sine2X());
        var model = new Pipeline(new PolynomialFeatures(10), new Ridge(alpha)).Fit(x, R.Sine2Y);
        var expected = tag == "01" ? R.PipelineRidge01Pred : R.PipelineRidge10Pred;
        Close.All(expected, model.Predict(x), 1e-3, 1e-3, "predictions");
    }

    [Fact]
    public void ChapterPipelineWithoutPenaltyFallsBackToSvdLikeScikitLearn()
    {
        var x = LinearTestData.Column(LinearTestData.Sine2X());
        var model = new Pipeline(new PolynomialFeatures(10), new Ridge(0.0)).Fit(x, R.Sine2Y);
        Assert.Equal(RidgeSolver.Svd, ((Ridge)model.Estimator).SolverUsed);
        // Unpenalized degree-10 least squares on raw powers: the centered design has condition ~1e12, so two SVD
        // implementations agree to about 1e-5 in the fitted values.
        Close.All(R.PipelineRidge00Pred, model.Predict(x), 1e-4, 1e-5, "predictions");
    }

    [Fact]
    public void CloneUnfittedKeepsSettingsOnly()
    {
        var x = LinearTestData.Column(LinearTestData.Sine2X());
        var fitted = new Pipeline(new PolynomialFeatures(3), new Ridge(1.0)).Fit(x, R.Sine2Y);
        var clone = (Pipeline)fitted.CloneUnfitted();
        Assert.Throws<InvalidOperationException>(() => clone.Predict(x));
        Assert.Equal(fitted.Predict(x), clone.Fit(x, R.Sine2Y).Predict(x));
    }

    [Fact]
    public void BadSettingsAreRejected()
    {
        Assert.Contains("degree must be >= 0, got -2", Assert.Throws<ArgumentOutOfRangeException>(() => new PolynomialFeatures(-2)).Message);
        Assert.Contains("0 <= min <= max, got (3, 2)", Assert.Throws<ArgumentOutOfRangeException>(() => new PolynomialFeatures((3, 2))).Message);
        Assert.Contains("no features", Assert.Throws<ArgumentException>(() => new PolynomialFeatures(0, includeBias: false)).Message);
        Assert.Contains("last step must be an IRegressor", Assert.Throws<ArgumentException>(() => new Pipeline(new PolynomialFeatures(2))).Message);
        Assert.Contains("steps[0] must be an ITransformer", Assert.Throws<ArgumentException>(() => new Pipeline(new Ridge(), new Ridge())).Message);
        var pf = new PolynomialFeatures(2).Fit(new double[1, 2]);
        Assert.Contains("must have 2 features", Assert.Throws<ArgumentException>(() => pf.Transform(new double[3, 3])).Message);
    }
}
