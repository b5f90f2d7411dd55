// A hyperparameter study stored in SQLite (Optuna's create_study(storage="sqlite:///...")): TPE proposes the
// Ridge penalty and the polynomial degree, a median pruner stops poor trials from their intermediate reports, and
// every trial is written to the database as it finishes, so the study can be resumed (run this program twice) or
// shared by several processes, and Optuna itself can read it (`overfit study` works on the same file).
using Overfit.Data.Random;
using Overfit.LinearModels;
using Overfit.Tuning;

// Data: y = sin(x) + noise at 60 points, 40 to fit and 20 to validate.
var random = new RandomState(1);
double[] x = random.Uniform(0, 6, 60);
double[] y = x.Select(v => Math.Sin(v) + 0.2 * random.NextGaussian()).ToArray();

string path = Path.Combine(Path.GetTempPath(), "overfit-example-study.db");
using var storage = new RdbStorage(path);
var study = Study.Create("ridge-degree", storage, new TpeSampler(seed: 7), new MedianPruner(nStartupTrials: 5), loadIfExists: true);
int before = study.Trials.Count;

study.Optimize(trial =>
{
    double alpha = trial.SuggestFloat("alpha", 1e-6, 10, log: true);
    int degree = trial.SuggestInt("degree", 1, 12);
    var features = new PolynomialFeatures(degree, includeBias: false);
    double sum = 0;
    // Two folds: report the mean so far after each, so the pruner can stop a trial already worse than the median.
    for (int fold = 0; fold < 2; fold++)
    {
        var (fitX, fitY, validX, validY) = Split(x, y, fold);
        var model = new Ridge(alpha).Fit(features.FitTransform(fitX), fitY);
        double[] predicted = model.Predict(features.Transform(validX));
        sum += predicted.Zip(validY, (p, t) => (p - t) * (p - t)).Average();
        trial.Report(sum / (fold + 1), step: fold);
        if (trial.ShouldPrune()) throw new TrialPrunedException();
    }
    return sum / 2;
}, nTrials: 30);

Console.WriteLine($"study '{study.StudyName}' in {storage.Path}: {study.Trials.Count} trials ({study.Trials.Count - before} new)");
Console.WriteLine($"pruned: {study.Trials.Count(t => t.State == TrialState.Pruned)}");
Console.WriteLine($"best validation MSE {study.BestValue:F4} with alpha = {study.BestParams["alpha"]:G3}, degree = {study.BestParams["degree"]}");

static (double[,] FitX, double[] FitY, double[,] ValidX, double[] ValidY) Split(double[] x, double[] y, int fold)
{
    var fit = Enumerable.Range(0, x.Length).Where(i => i % 2 != fold).ToArray();
    var valid = Enumerable.Range(0, x.Length).Where(i => i % 2 == fold).ToArray();
    return (Column(fit.Select(i => x[i])), fit.Select(i => y[i]).ToArray(), Column(valid.Select(i => x[i])), valid.Select(i => y[i]).ToArray());
}

static double[,] Column(IEnumerable<double> values)
{
    double[] v = values.ToArray();
    var column = new double[v.Length, 1];
    for (int i = 0; i < v.Length; i++) column[i, 0] = v[i];
    return column;
}
