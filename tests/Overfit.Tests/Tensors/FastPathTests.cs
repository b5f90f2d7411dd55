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

    /// <summary>
    /// Row and column broadcasts whose output is at least VectorLoops.StreamingMinBytes run as one loop over the block
    /// with non-temporal stores: the same bits as the element-by-element definition (each element one IEEE operation,
    /// which the double computation below rounds to the same float), for rows narrower and wider than a vector, the block
    /// at an offset (another start alignment), the broadcast operand on either side, on one and on two threads.
    /// </summary>
    [Theory]
    [InlineData(DType.Float32, 1)]
    [InlineData(DType.Float32, 2)]
    [InlineData(DType.Float64, 1)]
    [InlineData(DType.Float64, 2)]
    public void LargeRowAndColumnBroadcastsAreExact(DType dtype, int threads)
    {
        int saved = Threading.NumThreads;
        try
        {
            Threading.NumThreads = threads;
            foreach (var (rows, cols) in new[] { (700, 383), (60001, 5) })
            {
                var big = Tensor.Randn([rows + 1, cols], new Generator(8), dtype);
                var m = big.Narrow(0, 1, rows); // contiguous, at an offset of one row
                var row = Tensor.Randn([cols], new Generator(9), dtype).Abs().Add(0.5);
                var column = Tensor.Randn([rows, 1], new Generator(10), dtype).Abs().Add(0.5);
                double[] a = m.ToDoubleArray(), r = row.ToDoubleArray(), c = column.ToDoubleArray();
                Exact((i, j) => a[i * cols + j] + r[j], m.Add(row));
                Exact((i, j) => r[j] - a[i * cols + j], row.Sub(m));
                Exact((i, j) => a[i * cols + j] * r[j], m.Mul(row));
                Exact((i, j) => r[j] / a[i * cols + j], row.Div(m));
                Exact((i, j) => a[i * cols + j] - c[i], m.Sub(column));
                Exact((i, j) => c[i] + a[i * cols + j], column.Add(m));
                Exact((i, j) => a[i * cols + j] / c[i], m.Div(column));
                Exact((i, j) => c[i] * a[i * cols + j], column.Mul(m));

                void Exact(Func<int, int, double> f, Tensor actual)
                {
                    var got = actual.ToDoubleArray();
                    for (int i = 0; i < rows; i++)
                        for (int j = 0; j < cols; j++)
                        {
                            double e = f(i, j);
                            if (dtype == DType.Float32) e = (float)e;
                            Assert.True(e.Equals(got[i * cols + j]), $"{rows}x{cols} {dtype} threads={threads} [{i},{j}]: expected {e:R}, got {got[i * cols + j]:R}");
                        }
                }
            }
        }
        finally { Threading.NumThreads = saved; }
    }

    [Theory]
    [InlineData(DType.Float32)]
    [InlineData(DType.Float64)]
    public void RowSumsAtEveryWidthMatchTheDefinition(DType dtype)
    {
        foreach (int cols in new[] { 1, 5, 15, 16, 17, 31, 63, 64, 65, 100, 1000 })
        {
            var big = Tensor.Randn([41, cols], new Generator((ulong)cols), dtype);
            var m = big.Narrow(0, 1, 40); // at an offset: another start alignment
            var a = m.ToDoubleArray();
            var expected = new double[40];
            for (int i = 0; i < 40; i++) expected[i] = a.AsSpan(i * cols, cols).ToArray().Sum();
            AssertClose(expected, m.Sum(1), dtype == DType.Float32 ? 1e-5 : 1e-13);
        }
    }
}
