using Overfit.Data.Preprocessing;
using Overfit.Data.Random;

namespace Overfit.Data.Synthetic;

/// <summary>A one-dimensional regression sample: inputs and noisy outputs.</summary>
public sealed record Curve(double[] X, double[] Y);

/// <summary>The dropout experiment's data, split and standardized (Float32 values, as the chapter uses them).</summary>
public sealed record DropoutData(float[,] XTrain, float[,] XTest, float[] YTrain, float[] YTest, StandardScaler Scaler);

/// <summary>GPS observations of a bike route: times (minutes) and positions (km).</summary>
public sealed record RouteObservations(double[] Times, double[] Positions);

/// <summary>
/// The synthetic data of the overfitting chapter, generated exactly as its NumPy code does. Where the
/// chapter seeds NumPy (np.random.seed(42)) the same seed here gives the same numbers, because the draws
/// come from the NumPy-compatible <see cref="RandomState"/> in the same order.
/// </summary>
public static class ChapterData
{
    /// <summary>
    /// The first experiment's noisy sine: x = pi/180 * i for i in range(40, 320, 4) (70 points, 40..316
    /// degrees), y = sin(x) + uniform(-0.2, 0.2, len(x)).
    /// </summary>
    public static Curve NoisySine(RandomState random)
    {
        ArgumentNullException.ThrowIfNull(random);
        double[] x = DegreesToRadians(40, 320, 4);
        double[] noise = random.Uniform(-0.2, 0.2, x.Length);
        return new Curve(x, x.Select((v, i) => Math.Sin(v) + noise[i]).ToArray());
    }

    /// <summary>
    /// The ridge experiment's Gaussian variant: x = pi/180 * i for i in range(40, 280, 8) (30 points),
    /// y = sin(x) + normal(0, 0.4, len(x)).
    /// </summary>
    public static Curve NoisySineGaussian(RandomState random)
    {
        ArgumentNullException.ThrowIfNull(random);
        double[] x = DegreesToRadians(40, 280, 8);
        double[] noise = random.Normal(0, 0.4, x.Length);
        return new Curve(x, x.Select((v, i) => Math.Sin(v) + noise[i]).ToArray());
    }

    /// <summary>np.array([np.pi/180 * i for i in range(start, stop, step)]).</summary>
    public static double[] DegreesToRadians(int start, int stop, int step)
    {
        if (step <= 0) throw new ArgumentOutOfRangeException(nameof(step), step, $"step must be positive, got {step}");
        var values = new List<double>();
        for (int i = start; i < stop; i += step) values.Add(Math.PI / 180 * i);
        return values.ToArray();
    }

    /// <summary>The chapter's get_x_powered: row s is [x_s, x_s^2, ..., x_s^p] (no bias column).</summary>
    public static double[,] PoweredFeatures(double[] x, int p = 1)
    {
        ArgumentNullException.ThrowIfNull(x);
        if (p < 1) throw new ArgumentOutOfRangeException(nameof(p), p, $"p must be at least 1, got {p}");
        var result = new double[x.Length, p];
        for (int s = 0; s < x.Length; s++)
            for (int d = 1; d <= p; d++) result[s, d - 1] = Math.Pow(x[s], d);
        return result;
    }

    /// <summary>
    /// The dropout experiment: np.random.seed(seed); X = randn(samples, features) as float32;
    /// y = (sin(2 X[:,0]) + X[:,1] X[:,2] + 0.2 randn(samples) > 0); train_test_split(test_size, random_state=seed);
    /// a StandardScaler fitted on the training part transforms both parts.
    /// </summary>
    public static DropoutData Dropout(long seed = 42, int samples = 2000, int features = 30, double testSize = 0.3)
    {
        if (samples < 2) throw new ArgumentOutOfRangeException(nameof(samples), samples, $"samples must be at least 2, got {samples}");
        if (features < 3) throw new ArgumentOutOfRangeException(nameof(features), features, $"features must be at least 3 (the label uses x0, x1, x2), got {features}");
        var random = new RandomState(seed);
        var x = new float[samples, features];
        for (int r = 0; r < samples; r++)
            for (int c = 0; c < features; c++) x[r, c] = (float)random.NextGaussian();
        double[] noise = random.StandardNormal(samples);
        var y = new float[samples];
        for (int r = 0; r < samples; r++)
        {
            // NumPy evaluates sin(X[:,0] * 2) and X[:,1] * X[:,2] in float32, then adds the float64 noise.
            float nonlinear = MathF.Sin(x[r, 0] * 2f) + x[r, 1] * x[r, 2];
            y[r] = nonlinear + noise[r] * 0.2 > 0 ? 1f : 0f;
        }
        var (xTrain, xTest, yTrain, yTest) = TrainTestSplit.Split(x, y, testSize, seed);
        var scaler = new StandardScaler().Fit(Tensors.Tensor.FromArray(xTrain));
        return new DropoutData(Scale(scaler, xTrain), Scale(scaler, xTest), yTrain, yTest, scaler);
    }

    private static float[,] Scale(StandardScaler scaler, float[,] x)
    {
        float[] flat = scaler.Transform(Tensors.Tensor.FromArray(x)).ToFloatArray();
        var result = new float[x.GetLength(0), x.GetLength(1)];
        Buffer.BlockCopy(flat, 0, result, 0, flat.Length * sizeof(float));
        return result;
    }

    /// <summary>The batch-normalization demo: np.random.seed(seed); np.random.rand(50, 2) * 10.</summary>
    public static double[,] BatchNormDemo(long seed = 42, int samples = 50)
    {
        var random = new RandomState(seed);
        var x = new double[samples, 2];
        for (int r = 0; r < samples; r++)
            for (int c = 0; c < 2; c++) x[r, c] = random.NextDouble() * 10;
        return x;
    }

    /// <summary>The deep-kernel example: x = linspace(-10, 10, 100), y = sin(x) + 0.1 randn(100) after np.random.seed(seed).</summary>
    public static Curve DeepKernelSine(long seed = 42, int points = 100)
    {
        if (points < 2) throw new ArgumentOutOfRangeException(nameof(points), points, $"points must be at least 2, got {points}");
        var random = new RandomState(seed);
        double[] x = Linspace(-10, 10, points);
        double[] noise = random.StandardNormal(points);
        return new Curve(x, x.Select((v, i) => Math.Sin(v) + 0.1 * noise[i]).ToArray());
    }

    /// <summary>The bike route with 5 GPS records: times [0, 2, 5, 8, 10], positions [0, 2, 3, 1, 4].</summary>
    public static RouteObservations BikeRouteFivePoints() => new([0, 2, 5, 8, 10], [0, 2, 3, 1, 4]);

    /// <summary>The bike route with 8 GPS records: times [0, 1, 2, 4, 5, 6, 8, 10], positions [0, 1, 2.5, 1.5, 3, 2, 1, 4].</summary>
    public static RouteObservations BikeRouteEightPoints() => new([0, 1, 2, 4, 5, 6, 8, 10], [0, 1, 2.5, 1.5, 3, 2, 1, 4]);

    /// <summary>The 100 prediction times on [0, 10] (np.linspace(0, 10, 100)).</summary>
    public static double[] BikeRoutePredictionTimes(int points = 100) => Linspace(0, 10, points);

    /// <summary>np.linspace(start, stop, count): start + i * step, with the last point exactly stop.</summary>
    public static double[] Linspace(double start, double stop, int count)
    {
        if (count < 1) throw new ArgumentOutOfRangeException(nameof(count), count, $"count must be positive, got {count}");
        var values = new double[count];
        if (count == 1) { values[0] = start; return values; }
        double step = (stop - start) / (count - 1);
        for (int i = 0; i < count; i++) values[i] = start + i * step;
        values[^1] = stop;
        return values;
    }
}
