using System.Globalization;

namespace Overfit;

/// <summary>
/// The library's one thread-count setting, like <c>torch.set_num_threads</c> / <c>OMP_NUM_THREADS</c>: the most
/// threads a large GEMM, Adam step, GP factorization/inverse, kernel matrix, cross-validation fold loop, fANOVA forest or
/// parallel study (<c>nJobs: -1</c>) uses. The default comes from the
/// <c>OVERFIT_NUM_THREADS</c> environment variable when it holds a positive integer, otherwise the number of cores;
/// the effective count never exceeds the cores.
/// </summary>
public static class Threading
{
    /// <summary>Name of the environment variable read once at start-up.</summary>
    public const string EnvironmentVariable = "OVERFIT_NUM_THREADS";

    private static int _numThreads = FromEnvironment(Environment.GetEnvironmentVariable(EnvironmentVariable), Environment.ProcessorCount);

    /// <summary>Upper bound on threads (≥ 1); set it at any time, it applies to the next operation.</summary>
    public static int NumThreads
    {
        get => _numThreads;
        set
        {
            if (value < 1) throw new ArgumentOutOfRangeException(nameof(value), $"NumThreads must be >= 1, got {value}");
            _numThreads = value;
        }
    }

    /// <summary>min(NumThreads, cores): the threads an operation may actually use.</summary>
    public static int Effective => Math.Min(_numThreads, Environment.ProcessorCount);

    /// <summary>
    /// Runs <paramref name="body"/>(i) for every i in [0, <paramref name="count"/>) on at most <see cref="Effective"/>
    /// threads: inline on the calling thread when that is one (or there is one index), so a process limited to one
    /// thread never hands work to the thread pool. Every parallel loop of the library outside the GEMM's own workers
    /// goes through here. <paramref name="maxThreads"/> caps it further (a caller's own degree-of-parallelism option).
    /// </summary>
    internal static void For(int count, Action<int> body, int maxThreads = int.MaxValue)
    {
        int threads = Math.Max(1, Math.Min(Effective, maxThreads));
        if (threads == 1 || count <= 1)
        {
            for (int i = 0; i < count; i++) body(i);
            return;
        }
        Parallel.For(0, count, new ParallelOptions { MaxDegreeOfParallelism = threads }, body);
    }

    /// <summary>The count an <c>OVERFIT_NUM_THREADS</c> value asks for; <paramref name="fallback"/> when unset or not a positive integer.</summary>
    internal static int FromEnvironment(string? value, int fallback)
        => int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out int n) && n >= 1 ? n : fallback;
}
