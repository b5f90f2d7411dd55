// Ridge and Lasso along a path of penalties (scikit-learn's Ridge over many alphas and lasso_path): how the
// coefficients shrink, how many Lasso keeps, and which alpha a held-out set prefers.
// Data: 200 x 20 standard-normal features of which only 4 matter, plus noise (NumPy's generator, seed 0).
using Overfit.Data.Preprocessing;
using Overfit.Data.Random;
using Overfit.LinearModels;

const int Samples = 200, Features = 20;
double[] trueCoefficients = new double[Features];
(trueCoefficients[0], trueCoefficients[1], trueCoefficients[2], trueCoefficients[3]) = (3.0, -2.0, 1.5, 0.5);

var random = new RandomState(0);
var x = new double[Samples, Features];
var y = new double[Samples];
for (int i = 0; i < Samples; i++)
{
    for (int j = 0; j < Features; j++) x[i, j] = random.NextGaussian();
    for (int j = 0; j < Features; j++) y[i] += x[i, j] * trueCoefficients[j];
    y[i] += 1.0 * random.NextGaussian();
}

// First 150 rows to fit, last 50 to choose the penalty.
var (xTrain, yTrain) = Rows(x, y, 0, 150);
var (xValid, yValid) = Rows(x, y, 150, Samples);

// Ridge: every alpha from one SVD of the centered design.
double[] ridgeAlphas = [1e-2, 1e-1, 1, 10, 100, 1000];
var ridge = Ridge.Path(xTrain, yTrain, ridgeAlphas);
Console.WriteLine("Ridge path");
Console.WriteLine("     alpha   |coef|_2   validation MSE");
for (int k = 0; k < ridgeAlphas.Length; k++)
    Console.WriteLine($"{ridgeAlphas[k],10:G4} {Norm(ridge.Coefficients[k]),10:F4} {Mse(xValid, yValid, ridge.Coefficients[k], ridge.Intercepts[k]),16:F4}");

// Lasso: coordinate descent along a descending alpha grid, warm-started; lasso_path does not center, so center first.
var scaler = new StandardScaler(withStd: false).Fit(xTrain);
double[,] xCentered = scaler.Transform(xTrain);
double[] xMeans = scaler.Mean!;
double yMean = yTrain.Average();
double[] yCentered = yTrain.Select(v => v - yMean).ToArray();
var lasso = LassoPath.Compute(xCentered, yCentered, nAlphas: 8, eps: 1e-3);
Console.WriteLine();
Console.WriteLine("Lasso path");
Console.WriteLine("     alpha  non-zero   validation MSE");
int bestK = 0;
double bestMse = double.PositiveInfinity;
for (int k = 0; k < lasso.Alphas.Length; k++)
{
    double[] w = lasso.Coefficients[k];
    double intercept = yMean - w.Select((wj, j) => wj * xMeans[j]).Sum();
    double mse = Mse(xValid, yValid, w, intercept);
    if (mse < bestMse) (bestMse, bestK) = (mse, k);
    Console.WriteLine($"{lasso.Alphas[k],10:G4} {w.Count(v => v != 0),9} {mse,16:F4}");
}
var kept = lasso.Coefficients[bestK].Select((w, j) => (w, j)).Where(t => t.w != 0).Select(t => $"x{t.j}={t.w:F2}");
Console.WriteLine($"best Lasso alpha {lasso.Alphas[bestK]:G4} keeps {string.Join(", ", kept)} (true: x0=3, x1=-2, x2=1.5, x3=0.5)");

static (double[,] X, double[] Y) Rows(double[,] x, double[] y, int from, int to)
{
    int d = x.GetLength(1);
    var xs = new double[to - from, d];
    for (int i = from; i < to; i++)
        for (int j = 0; j < d; j++) xs[i - from, j] = x[i, j];
    return (xs, y[from..to]);
}

// Validation error of the linear model w·x + intercept.
static double Mse(double[,] x, double[] y, double[] w, double intercept)
{
    var predicted = new double[y.Length];
    for (int i = 0; i < y.Length; i++)
    {
        predicted[i] = intercept;
        for (int j = 0; j < w.Length; j++) predicted[i] += x[i, j] * w[j];
    }
    return RegressionScore.MeanSquaredError(y, predicted);
}

static double Norm(double[] w) => Math.Sqrt(w.Sum(v => v * v));
