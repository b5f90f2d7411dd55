using Overfit.Tensors;
using static Overfit.Tests.Tensors.TensorTestUtil;

namespace Overfit.Tests.Tensors;

/// <summary>
/// The layout fast paths (row and column broadcast, last-dim reductions) and the threaded paths of large tensors
/// give what the element-by-element definition gives.
/// </summary>
public class FastPathTests
{
    [Theory]
    [InlineData(DType.Float32)]
    [InlineData(DType.Float64)]
    public void RowAndColumnBroadcastMatchTheDefinition(DType dtype)
    {
        int rows = 300, cols = 257; // large enough to be split across threads
        var m = Tensor.Randn([rows, cols], new Generator(4), dtype);
        var row = Tensor.Randn([cols], new Generator(5), dtype);
        var column = Tensor.Randn([rows, 1], new Generator(6), dtype);
        double[] a = m.ToDoubleArray(), r = row.ToDoubleArray(), c = column.ToDoubleArray();
        double tol = dtype == DType.Float32 ? 1e-6 : 1e-15;
        AssertClose(Expected((i, j) => a[i * cols + j] + r[j]), m.Add(row), tol);
        AssertClose(Expected((i, j) => r[j] - a[i * cols + j]), row.Sub(m), tol);
        AssertClose(Expected((i, j) => a[i * cols + j] * c[i]), m.Mul(column), tol);
        AssertClose(Expected((i, j) => c[i] / a[i * cols + j]), column.Div(m), 1e-5);
        AssertClose(Expected((i, j) => a[i * cols + j] + r[j]), m.Add(row.Reshape(1, cols)), tol);

        double[] Expected(Func<int, int, double> f)
        {
            var e = new double[rows * cols];
            for (int i = 0; i < rows; i++)
                for (int j = 0; j < cols; j++) e[i * cols + j] = f(i, j);
            return e;
        }
    }

    [Theory]
    [InlineData(DType.Float32)]
    [InlineData(DType.Float64)]
    public void LargeReductionsAndSoftmaxMatchTheDefinition(DType dtype)
    {
        int rows = 257, cols = 513;
        var m = Tensor.Randn([rows, cols], new Generator(7), dtype);
        var a = m.ToDoubleArray();
        double tol = dtype == DType.Float32 ? 1e-5 : 1e-12;
        AssertClose([a.Sum()], m.Sum(), tol * 100);
        var rowSums = new double[rows];
        var lse = new double[rows];
        var softmax = new double[rows * cols];
        for (int i = 0; i < rows; i++)
        {
            var seg = a.AsSpan(i * cols, cols).ToArray();
            rowSums[i] = seg.Sum();
            double max = seg.Max();
            double z = seg.Sum(v => Math.Exp(v - max));
            lse[i] = Math.Log(z) + max;
            for (int j = 0; j < cols; j++) softmax[i * cols + j] = Math.Exp(seg[j] - max) / z;
        }
        AssertClose(rowSums, m.Sum(1), tol * 10);
        AssertClose(lse, m.LogSumExp(1), tol);
        AssertClose(softmax, m.Softmax(1), tol);
        AssertClose(softmax.Select(v => Math.Log(v)).ToArray(), m.LogSoftmax(1), tol * 10);
    }
}
