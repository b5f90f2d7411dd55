namespace Overfit.Tests.LinearModels;

/// <summary>
/// The datasets of tests/fixtures/reference/linear/linear_reference.py, rebuilt bit for bit: an integer hash (splitmix64) and
/// + − × ÷ only, which IEEE arithmetic evaluates identically in both languages.
/// </summary>
internal static class LinearTestData
{
    public static double U(long k)
    {
        unchecked
        {
            ulong z = (ulong)k + 0x9E3779B97F4A7C15UL;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            z ^= z >> 31;
            return (z >> 11) / 9007199254740992.0;
        }
    }

    public static (double[,] X, double[] Y) Dense(int n = 40, int p = 5)
    {
        double[] w = [1.5, -2.0, 0.0, 0.5, 3.0, -1.0, 0.25, 0.0];
        var x = new double[n, p];
        var y = new double[n];
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < p; j++) x[i, j] = 2.0 * U(7 * i + 3 * j + 1) - 1.0 + 0.5 * j;
            double s = 0;
            for (int j = 0; j < p; j++) s += w[j] * x[i, j];   // Python's sum() starts from 0 and adds left to right
            y[i] = s + 0.5 * (U(1000 + i) - 0.5) + 2.0;
        }
        return (x, y);
    }

    public static (double[,] X, double[] Y) Ill(int n = 30, int p = 6)
    {
        var x = new double[n, p];
        var y = new double[n];
        for (int i = 0; i < n; i++)
        {
            double t = 1.0 + i / (n - 1.0), v = t;
            for (int j = 0; j < p; j++) { x[i, j] = v; v *= t; }
            y[i] = 1.0 / (1.0 + t) + 0.01 * (U(2000 + i) - 0.5);
        }
        return (x, y);
    }

    public static (double[,] X, double[] Y) Wide(int n = 12, int p = 20)
    {
        var x = new double[n, p];
        var y = new double[n];
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < p; j++) x[i, j] = U(3000 + 20 * i + j) - 0.5;
            y[i] = 3.0 * x[i, 0] - 2.0 * x[i, 5] + 0.1 * (U(4000 + i) - 0.5);
        }
        return (x, y);
    }

    public static (double[,] X, double[] Y) Collinear(int n = 25)
    {
        var x = new double[n, 4];
        var y = new double[n];
        for (int i = 0; i < n; i++)
        {
            double a = U(5000 + 3 * i), b = U(5001 + 3 * i), c = U(5002 + 3 * i);
            x[i, 0] = a; x[i, 1] = b; x[i, 2] = c; x[i, 3] = a + b;
            y[i] = 2.0 * a - b + 0.5 * c + 0.05 * (U(6000 + i) - 0.5);
        }
        return (x, y);
    }

    public static (double[,] X, double[] Y) SparseTruth(int n = 100, int p = 8)
    {
        double[] w = [3.0, 0.0, -2.0, 0.0, 0.0, 1.0, 0.0, 0.0];
        var x = new double[n, p];
        var y = new double[n];
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < p; j++) x[i, j] = 2.0 * U(7000 + p * i + j) - 1.0;
            x[i, 1] += 0.5 * x[i, 0];
            double s = 0;
            for (int j = 0; j < p; j++) s += w[j] * x[i, j];
            y[i] = s + 0.5 * (U(8000 + i) - 0.5) + 1.0;
        }
        return (x, y);
    }

    /// <summary>The chapter's first inputs: π/180·i for i = 40, 44, …, 316.</summary>
    public static double[] SineX() => Enumerable.Range(0, 70).Select(k => Math.PI / 180 * (40 + 4 * k)).ToArray();

    /// <summary>The chapter's pipeline inputs: π/180·i for i = 40, 48, …, 272.</summary>
    public static double[] Sine2X() => Enumerable.Range(0, 30).Select(k => Math.PI / 180 * (40 + 8 * k)).ToArray();

    public static double[,] Column(double[] x)
    {
        var m = new double[x.Length, 1];
        for (int i = 0; i < x.Length; i++) m[i, 0] = x[i];
        return m;
    }

    public static double[] Flatten(double[][] rows) => rows.SelectMany(r => r).ToArray();
    public static double[] Flatten(double[,] m) => m.Cast<double>().ToArray();
}

internal static class Close
{
    /// <summary>|actual − expected| ≤ rtol·|expected| + atol for every element, with a message naming the first offender.</summary>
    public static void All(double[] expected, double[] actual, double rtol = 1e-6, double atol = 1e-12, string what = "")
    {
        Assert.True(expected.Length == actual.Length, $"{what}: length {actual.Length}, expected {expected.Length}");
        for (int i = 0; i < expected.Length; i++)
        {
            double err = Math.Abs(actual[i] - expected[i]);
            Assert.True(err <= rtol * Math.Abs(expected[i]) + atol,
                $"{what}[{i}]: got {actual[i]:R}, expected {expected[i]:R} (error {err:E2})");
        }
    }

    public static void One(double expected, double actual, double rtol = 1e-6, double atol = 1e-12, string what = "")
        => All([expected], [actual], rtol, atol, what);
}
