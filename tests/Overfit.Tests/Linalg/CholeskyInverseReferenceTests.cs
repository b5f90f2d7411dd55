using System.Text.Json;
using Overfit.Tensors.Kernels;

namespace Overfit.Tests.Linalg;

/// <summary>
/// The inverse from a Cholesky factor against numpy/scipy (tests/fixtures/reference/linalg/cholesky_inverse.json, written
/// by cholesky_inverse_reference.py beside it) on A = B·Bᵀ + n·I with integer B, at orders below, at and across the
/// 128-wide blocks: the public full inverse and the lower-triangle path the Gaussian processes use, to 1e-12 relative
/// (Float32 through the same generic code, to 1e-4).
/// </summary>
public class CholeskyInverseReferenceTests
{
    private sealed record Case(int N, double[] Diagonal, double[] FirstRow, double[] LastRow, double[] MiddleColumn, double Frobenius);

    private static readonly Lazy<Case[]> Cases = new(() =>
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "fixtures", "reference", "linalg", "cholesky_inverse.json")));
        return doc.RootElement.GetProperty("cases").EnumerateArray().Select(c => new Case(
            c.GetProperty("n").GetInt32(),
            Doubles(c.GetProperty("diagonal")),
            Doubles(c.GetProperty("first_row")),
            Doubles(c.GetProperty("last_row")),
            Doubles(c.GetProperty("middle_column")),
            c.GetProperty("frobenius").GetDouble())).ToArray();
    });

    private static double[] Doubles(JsonElement e) => e.EnumerateArray().Select(x => x.GetDouble()).ToArray();

    /// <summary>The script's matrix, built from the same integers (exact in Float64).</summary>
    private static double[] Matrix(int n)
    {
        var b = new double[n * n];
        for (int i = 0; i < n; i++) for (int j = 0; j < n; j++) b[i * n + j] = (3 * i + 5 * j) % 17 - 8;
        var a = new double[n * n];
        Gemm.Multiply(false, true, n, n, n, 1.0, b, n, b, n, 0.0, a, n);
        for (int i = 0; i < n; i++) a[i * n + i] += n;
        return a;
    }

    public static TheoryData<int> Orders => new([1, 5, 97, 128, 130, 300]);

    [Theory, MemberData(nameof(Orders))]
    public void PublicInverseMatchesNumpy(int n)
    {
        var l = Matrix(n);
        DenseLinalg.Cholesky(l, n);
        var inverse = new double[n * n];
        DenseLinalg.InverseFromCholesky(l, n, inverse);
        Check(Cases.Value.Single(c => c.N == n), inverse, lowerOnly: false);
    }

    [Theory, MemberData(nameof(Orders))]
    public void LowerTriangleFromTheBlockedFactorMatchesNumpy(int n)
    {
        var l = Matrix(n);
        var diagonalInverses = new double[DenseLinalg.DiagonalInverseLength(n)];
        Assert.True(DenseLinalg.TryCholeskyBlocked<double>(l, n, diagonalInverses, out _));
        var inverse = new double[n * n];
        Array.Fill(inverse, double.NaN);
        DenseLinalg.InverseFromCholeskyLower<double>(l, n, diagonalInverses, inverse);
        Check(Cases.Value.Single(c => c.N == n), inverse, lowerOnly: true);
    }

    [Theory]
    [InlineData(97)]
    [InlineData(300)]
    public void Float32InverseMatchesNumpy(int n)
    {
        var l = Matrix(n).Select(v => (float)v).ToArray();
        DenseLinalg.Cholesky(l, n);
        var inverse = new float[n * n];
        DenseLinalg.InverseFromCholeskyCore<float>(l, n, inverse);
        // cond(A) ≈ 730 / 2,230 for these orders, so Float32's factor alone leaves errors up to cond·ε ≈ 1e-4 of the scale.
        Check(Cases.Value.Single(c => c.N == n), inverse.Select(v => (double)v).ToArray(), lowerOnly: false, relative: 1e-4);
    }

    private static void Check(Case c, double[] inverse, bool lowerOnly, double relative = 1e-12)
    {
        int n = c.N;
        double At(int i, int j) => lowerOnly && j > i ? inverse[j * n + i] : inverse[i * n + j];
        double scale = c.Diagonal.Max(Math.Abs), tol = relative * scale;
        double frobenius = 0;
        for (int i = 0; i < n; i++) for (int j = 0; j < n; j++) frobenius += At(i, j) * At(i, j);
        Assert.True(Math.Abs(Math.Sqrt(frobenius) - c.Frobenius) <= relative * c.Frobenius, $"n={n}: ‖A⁻¹‖ = {Math.Sqrt(frobenius)}, numpy {c.Frobenius}");
        for (int i = 0; i < n; i++)
        {
            Assert.True(Math.Abs(At(i, i) - c.Diagonal[i]) <= tol, $"n={n}: A⁻¹[{i},{i}] = {At(i, i)}, numpy {c.Diagonal[i]}");
            Assert.True(Math.Abs(At(0, i) - c.FirstRow[i]) <= tol, $"n={n}: A⁻¹[0,{i}] = {At(0, i)}, numpy {c.FirstRow[i]}");
            Assert.True(Math.Abs(At(n - 1, i) - c.LastRow[i]) <= tol, $"n={n}: A⁻¹[{n - 1},{i}] = {At(n - 1, i)}, numpy {c.LastRow[i]}");
            Assert.True(Math.Abs(At(i, n / 2) - c.MiddleColumn[i]) <= tol, $"n={n}: A⁻¹[{i},{n / 2}] = {At(i, n / 2)}, numpy {c.MiddleColumn[i]}");
        }
    }
}
