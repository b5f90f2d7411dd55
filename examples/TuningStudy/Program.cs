// A hyperparameter study stored in SQLite (Optuna's create_study(storage="sqlite:///...")): TPE proposes the
// Ridge penalty and the polynomial degree, a median pruner stops poor trials from their intermediate reports, and
// every trial is written to the database as it finishes, so the study can be resumed (run this program twice) or
// shared by several processes; Optuna can read the file too, and so can `overfit study show --storage FILE --study ridge-degree`.
using Overfit.Data.Random;
using Overfit.LinearModels;
using Overfit.LinearModels.ModelSelection;
using Overfit.Tuning;

// Data: y = sin(x) + noise at 60 points, scored by 3-fold cross-validation.
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
    // Three folds: report the mean so far after each, so the pruner can stop a trial already worse than the median.
    int fold = 0;
    foreach (var (fit, valid) in new KFold(nSplits: 3).Split(x.Length))
    {
        var model = new Ridge(alpha).Fit(features.FitTransform(Column(x, fit)), fit.Select(i => y[i]).ToArray());
        double[] predicted = model.Predict(features.Transform(Column(x, valid)));
        sum += RegressionScore.MeanSquaredError(valid.Select(i => y[i]).ToArray(), predicted);
        trial.Report(sum / ++fold, step: fold);
        if (trial.ShouldPrune()) throw new TrialPrunedException();
    }
    return sum / fold;
}, nTrials: 30);

Console.WriteLine($"study '{study.StudyName}' in {storage.Path}: {study.Trials.Count} trials ({study.Trials.Count - before} new)");
Console.WriteLine($"pruned: {study.Trials.Count(t => t.State == TrialState.Pruned)}");
Console.WriteLine($"best validation MSE {study.BestValue:F4} with alpha = {study.BestParams["alpha"]:G3}, degree = {study.BestParams["degree"]}");

// The rows of x at the given indices as a one-column matrix.
static double[,] Column(double[] x, int[] rows)
{
    var column = new double[rows.Length, 1];
    for (int i = 0; i < rows.Length; i++) column[i, 0] = x[rows[i]];
    return column;
}
