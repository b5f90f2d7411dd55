using Overfit.Tensors.Kernels;

namespace Overfit.Tests.Kernels;

/// <summary>
/// The dedicated GEMM workers: every job runs exactly once whoever claims it, nested calls stay on their thread,
/// a job's exception reaches the caller, and products from several threads at once (some falling back to
/// Parallel.For while another holds the workers) all come out right.
/// </summary>
[Collection(GemmCollection.Name)]
public sealed class GemmWorkersTests
{
    [Fact]
    public void EveryJobRunsExactlyOnce()
    {
        for (int round = 0; round < 2000; round++)
        {
            int count = 2 + round % 3;
            var runs = new int[count];
            GemmWorkers.Run(count, i => Interlocked.Increment(ref runs[i]));
            Assert.All(runs, r => Assert.Equal(1, r));
        }
    }

    [Fact]
    public void NestedCallsRunInOrderOnTheJobsThread()
    {
        var outer = new int[2][];
        GemmWorkers.Run(2, i =>
        {
            Assert.True(GemmWorkers.InsideJob);
            int thread = Environment.CurrentManagedThreadId;
            var seen = new List<int>();
            GemmWorkers.Run(3, j =>
            {
                Assert.Equal(thread, Environment.CurrentManagedThreadId);
                seen.Add(j);
            });
            outer[i] = [.. seen];
        });
        Assert.False(GemmWorkers.InsideJob);
        Assert.Equal([0, 1, 2], outer[0]);
        Assert.Equal([0, 1, 2], outer[1]);
    }

    [Fact]
    public void AJobsExceptionReachesTheCaller()
    {
        var ex = Assert.Throws<AggregateException>(() => GemmWorkers.Run(2, i =>
        {
            if (i == 1) throw new InvalidOperationException("job 1 failed");
        }));
        Assert.Contains("job 1 failed", ex.InnerException!.Message);
        // The workers are usable afterwards.
        var runs = new int[2];
        GemmWorkers.Run(2, i => runs[i]++);
        Assert.Equal([1, 1], runs);
    }

    [Fact]
    public void ConcurrentProductsFromSeveralThreadsMatchReference()
    {
        int saved = Gemm.MaxThreads;
        try
        {
            Gemm.MaxThreads = 2;
            Parallel.For(0, 4, new ParallelOptions { MaxDegreeOfParallelism = 4 }, t =>
            {
                var rng = new Random(100 + t);
                for (int i = 0; i < 6; i++)
                {
                    GemmCheck.Compare<float>(rng, i % 2 == 0, i % 3 == 0, 128, 192, 160, 1, 0, pad: 0);
                    var first = new float[64 * 64];
                    var second = new float[64 * 64];
                    var a = Enumerable.Range(0, 64 * 64).Select(v => (float)(v % 7)).ToArray();
                    Gemm.Concurrently(
                        () => Gemm.Multiply(false, false, 64, 64, 64, 1f, a, 64, a, 64, 0f, first, 64),
                        () => Gemm.Multiply(false, true, 64, 64, 64, 1f, a, 64, a, 64, 0f, second, 64));
                    var expectFirst = new float[64 * 64];
                    var expectSecond = new float[64 * 64];
                    Gemm.Reference(false, false, 64, 64, 64, 1f, a, 64, a, 64, 0f, expectFirst, 64);
                    Gemm.Reference(false, true, 64, 64, 64, 1f, a, 64, a, 64, 0f, expectSecond, 64);
                    Assert.Equal(expectFirst, first);
                    Assert.Equal(expectSecond, second);
                }
            });
        }
        finally { Gemm.MaxThreads = saved; }
    }
}
