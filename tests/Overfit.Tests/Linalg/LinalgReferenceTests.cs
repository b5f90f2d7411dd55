using Overfit.Tensors;

namespace Overfit.Tests.Linalg;

/// <summary>
/// Tensor-level Linalg against numpy 1.24 / scipy values produced by tests/fixtures/reference/linalg/linalg_reference.py
/// (constants pasted from its output).
/// </summary>
public sealed class LinalgReferenceTests
{
    private static readonly double[] A = [4, 2, -2, 1, 2, 10, 4, -3, -2, 4, 9, 2, 1, -3, 2, 7];
    private static readonly double[] B = [1, -2, 0.5, 3, -1, 0, 2, 1];

    private static readonly double[] CholeskyL = [2.0, 0.0, 0.0, 0.0, 1.0, 3.0, 0.0, 0.0, -1.0, 1.6666666666666665, 2.2852182001336816, 0.0, 0.5, -1.1666666666666665, 1.9448665533052603, 1.2674316465685265];
    private const double LogDetValue = 5.71042701737487;
    private static readonly double[] SolveLower = [0.5, -1.0, 0.0, 1.3333333333333333, -0.2187974872468418, -1.4100282511463138, 1.7164885544586974, 4.574504949535404];
    private static readonly double[] SolveLowerTransposed = [-1.6695510893422378, -2.372933054590242, 1.7695360900953934, 1.6798805521327846, -1.7805689046325173, -0.6714869650694169, 1.5779943679131303, 0.7889971839565652];
    private static readonly double[] CholeskySolveValues = [-1.3228476821192028, -5.19536423841059, 1.2201986754966867, 3.897350993377478, -1.2483443708609252, -3.6887417218542993, 1.3543046357615875, 3.609271523178803];
    private static readonly double[] EigenValues = [0.368505847857976, 6.059561290290669, 9.87182027826498, 13.700112583586375];
    private static readonly double[] EigenVectors = [0.6242673772851403, 0.7545383712268537, -0.201004903308117, 0.023645651819173538, -0.4563877987729975, 0.27083424989159766, -0.30785745331077036, 0.7896725743355921, 0.4577907684466397, -0.23038303013108186, 0.6260891963227979, 0.5876764330824653, -0.4386661955447515, 0.5515834613724409, 0.6876286319918439, -0.17462679774798584];

    private static Tensor MatA(DType dtype = DType.Float64) => Tensor.FromArray(A, [4, 4]).To(dtype);
    private static Tensor MatB(DType dtype = DType.Float64) => Tensor.FromArray(B, [4, 2]).To(dtype);

    private static void Close(double[] expected, Tensor actual, double tol)
    {
        var got = actual.ToDoubleArray();
        Assert.Equal(expected.Length, got.Length);
        for (int i = 0; i < got.Length; i++)
            Assert.True(Math.Abs(expected[i] - got[i]) <= tol, $"element {i}: expected {expected[i]}, got {got[i]}");
    }

    [Theory]
    [InlineData(DType.Float64, 1e-14)]
    [InlineData(DType.Float32, 2e-6)]
    public void CholeskyMatchesNumpy(DType dtype, double tol)
    {
        var l = Overfit.Tensors.Linalg.Cholesky(MatA(dtype));
        Assert.Equal(dtype, l.DType);
        Close(CholeskyL, l, tol);
    }

    [Theory]
    [InlineData(DType.Float64, 1e-13)]
    [InlineData(DType.Float32, 2e-5)]
    public void SolvesMatchScipy(DType dtype, double tol)
    {
        var l = Tensor.FromArray(CholeskyL, [4, 4]).To(dtype);
        var u = l.T.Contiguous();
        Close(SolveLower, Overfit.Tensors.Linalg.SolveTriangular(l, MatB(dtype)), tol);
        Close(SolveLowerTransposed, Overfit.Tensors.Linalg.SolveTriangular(l, MatB(dtype), lower: true, transpose: true), tol);
        Close(SolveLowerTransposed, Overfit.Tensors.Linalg.SolveTriangular(u, MatB(dtype), lower: false), tol);
        Close(SolveLower, Overfit.Tensors.Linalg.SolveTriangular(u, MatB(dtype), lower: false, transpose: true), tol);
        Close(CholeskySolveValues, Overfit.Tensors.Linalg.CholeskySolve(MatB(dtype), l), 10 * tol);
        // A vector right-hand side gives a vector.
        var x = Overfit.Tensors.Linalg.SolveTriangular(l, Tensor.FromArray(new double[] { 1, 0.5, -1, 2 }).To(dtype));
        Assert.Equal(new[] { 4 }, x.Shape);
        Close([SolveLower[0], SolveLower[2], SolveLower[4], SolveLower[6]], x, tol);
    }

    [Fact]
    public void LogDetMatchesNumpy()
    {
        Assert.Equal(LogDetValue, Overfit.Tensors.Linalg.LogDet(MatA()).Item(), 1e-13);
        Assert.Equal(LogDetValue, Overfit.Tensors.Linalg.LogDet(MatA(DType.Float32)).Item(), 1e-5);
    }

    [Fact]
    public void SymmetricEigenMatchesNumpy()
    {
        var (values, vectors) = Overfit.Tensors.Linalg.SymmetricEigen(MatA());
        Close(EigenValues, values, 1e-13);
        Close(EigenVectors, vectors, 1e-13);
        var (v32, _) = Overfit.Tensors.Linalg.SymmetricEigen(MatA(DType.Float32));
        Assert.Equal(DType.Float32, v32.DType);
        Close(EigenValues, v32, 1e-5);
    }

    [Fact]
    public void NonPositiveDefiniteInputNamesThePivot()
    {
        var bad = Tensor.FromArray(new double[] { 4, 2, 0, 2, 1, 0, 0, 0, 3 }, [3, 3]);   // second pivot: 1 − 2²/4 = 0
        var ex = Assert.Throws<Overfit.Tensors.Kernels.NotPositiveDefiniteException>(() => Overfit.Tensors.Linalg.Cholesky(bad));
        Assert.Equal(1, ex.Pivot);
        Assert.Contains("not positive definite", ex.Message);
        Assert.Contains("pivot 1", ex.Message);
        Assert.Throws<Overfit.Tensors.Kernels.NotPositiveDefiniteException>(() => Overfit.Tensors.Linalg.LogDet(bad));
    }

    [Fact]
    public void BadShapesAndDtypesAreRejected()
    {
        var ex = Assert.Throws<ArgumentException>(() => Overfit.Tensors.Linalg.Cholesky(Tensor.Zeros([2, 3], DType.Float64)));
        Assert.Contains("[2, 3]", ex.Message);
        Assert.Contains("square", ex.Message);
        ex = Assert.Throws<ArgumentException>(() => Overfit.Tensors.Linalg.SolveTriangular(Tensor.Eye(3, dtype: DType.Float64), Tensor.Zeros([4, 2], DType.Float64)));
        Assert.Contains("[4, 2]", ex.Message);
        Assert.Equal("b", ex.ParamName);
        ex = Assert.Throws<ArgumentException>(() => Overfit.Tensors.Linalg.SolveTriangular(Tensor.Eye(3, dtype: DType.Float64), Tensor.Zeros([3, 2], DType.Float32)));
        Assert.Contains("float32", ex.Message, StringComparison.OrdinalIgnoreCase);
    }
}
