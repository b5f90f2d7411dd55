namespace Overfit.Tensors.Kernels;

/// <summary>
/// Splits elementwise, reduction and row-wise work across the cores with the <see cref="GemmWorkers"/> threads.
/// Every thread-count decision of these kernels goes through <see cref="Threads"/>.
/// </summary>
internal static class KernelThreads
{
    /// <summary>
    /// Fewest elements one thread is given: below about this much work (a few tens of microseconds for a
    /// memory-bound op on this class of machine) waking a worker costs more than it saves.
    /// </summary>
    public const int MinElementsPerThread = 1 << 15;

    /// <summary>How many threads elementwise kernels may use now: the library-wide setting (<see cref="Threading.NumThreads"/>, <c>OVERFIT_NUM_THREADS</c>), one inside a job that already runs on a worker.</summary>
    public static int Threads => GemmWorkers.InsideJob ? 1 : Math.Max(1, Threading.Effective);

    /// <summary>Number of pieces to cut <paramref name="n"/> elements into (1 when splitting does not pay).</summary>
    public static int Pieces(long n, int minPerThread = MinElementsPerThread)
    {
        int threads = Threads;
        if (threads < 2 || n < 2L * minPerThread) return 1;
        return (int)Math.Min(threads, n / minPerThread);
    }

    /// <summary>
    /// Runs body(start, count) over [0, <paramref name="n"/>) cut into <paramref name="pieces"/> ranges, each a
    /// multiple of <paramref name="align"/> long except the last (so rows or SIMD blocks are never split).
    /// </summary>
    public static void For(int n, int pieces, Action<int, int> body, int align = 16)
    {
        if (pieces <= 1)
        {
            body(0, n);
            return;
        }
        long unitsTotal = (n + (long)align - 1) / align;
        GemmWorkers.Run(pieces, p =>
        {
            int start = (int)Math.Min(n, unitsTotal * p / pieces * align);
            int end = (int)Math.Min(n, unitsTotal * (p + 1) / pieces * align);
            if (end > start) body(start, end - start);
        });
    }
}
