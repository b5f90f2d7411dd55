using System.Globalization;

namespace Overfit;

/// <summary>
/// The library's one thread-count setting, like <c>torch.set_num_threads</c> / <c>OMP_NUM_THREADS</c>: the most
/// threads a large GEMM, Adam step or GP factorization/inverse uses. The default comes from the
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

    /// <summary>The count an <c>OVERFIT_NUM_THREADS</c> value asks for; <paramref name="fallback"/> when unset or not a positive integer.</summary>
    internal static int FromEnvironment(string? value, int fallback)
        => int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out int n) && n >= 1 ? n : fallback;
}
