using Overfit.Tensors.Kernels;

namespace Overfit.Tests.Tensors;

/// <summary>The one thread-count setting and its environment variable.</summary>
public class ThreadingTests
{
    [Theory]
    [InlineData("3", 3)]
    [InlineData("1", 1)]
    [InlineData("0", 7)]
    [InlineData("-2", 7)]
    [InlineData("two", 7)]
    [InlineData("", 7)]
    [InlineData(null, 7)]
    public void EnvironmentValueMustBeAPositiveInteger(string? value, int expected)
        => Assert.Equal(expected, Threading.FromEnvironment(value, fallback: 7));

    [Fact]
    public void SettingIsSharedByGemmAndBoundedByTheCores()
    {
        int saved = Threading.NumThreads;
        try
        {
            Threading.NumThreads = 1;
            Assert.Equal(1, Gemm.MaxThreads);
            Assert.Equal(1, Threading.Effective);
            Gemm.MaxThreads = 10_000;
            Assert.Equal(10_000, Threading.NumThreads);
            Assert.Equal(Environment.ProcessorCount, Threading.Effective);
            var e = Assert.Throws<ArgumentOutOfRangeException>(() => Threading.NumThreads = 0);
            Assert.Contains("got 0", e.Message);
        }
        finally { Threading.NumThreads = saved; }
    }

    [Fact]
    public void ParallelLoopsRunInlineOnOneThreadAndVisitEveryIndexOnce()
    {
        int saved = Threading.NumThreads;
        try
        {
            foreach (var (setting, cap) in new[] { (1, int.MaxValue), (Environment.ProcessorCount, 1) })
            {
                Threading.NumThreads = setting;
                int caller = Environment.CurrentManagedThreadId;
                var order = new List<int>();
                var threads = new HashSet<int>();
                Threading.For(50, i => { order.Add(i); threads.Add(Environment.CurrentManagedThreadId); }, cap);
                Assert.Equal(Enumerable.Range(0, 50), order);   // inline, so in order and without locking
                Assert.Equal([caller], threads);
            }
            Threading.NumThreads = Environment.ProcessorCount;
            var hits = new int[1000];
            Threading.For(hits.Length, i => Interlocked.Increment(ref hits[i]));
            Assert.All(hits, h => Assert.Equal(1, h));
        }
        finally { Threading.NumThreads = saved; }
    }

    [Fact]
    public void KernelMatricesAndGradientsDoNotDependOnTheThreadSetting()
    {
        // 400 points: 80,000 pairs, above the pair loops' serial threshold, so the default setting splits them.
        var rng = new Overfit.Tensors.Generator(3);
        int n = 400, d = 3;
        var x = new double[n * d];
        for (int i = 0; i < x.Length; i++) x[i] = rng.NextDouble();
        var kernel = new Overfit.GaussianProcesses.ConstantKernel(2.0) * new Overfit.GaussianProcesses.Matern([0.5, 1.0, 2.0], nu: 2.5);
        (double[] K, double[] Cross) Evaluate()
        {
            var k = new double[n * n];
            kernel.EvaluateSymmetric(x, n, d, k);
            var cross = new double[n * 300];
            kernel.Evaluate(x, n, x.AsSpan(0, 300 * d), 300, d, cross);
            return (k, cross);
        }
        int saved = Threading.NumThreads;
        try
        {
            Threading.NumThreads = 1;
            var one = Evaluate();
            Threading.NumThreads = Environment.ProcessorCount;
            var all = Evaluate();
            Assert.Equal(one.K, all.K);   // each entry is computed by one thread either way
            Assert.Equal(one.Cross, all.Cross);
        }
        finally { Threading.NumThreads = saved; }
    }
}
