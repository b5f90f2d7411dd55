using System.Globalization;

namespace Overfit.GaussianProcesses;

/// <summary>
/// Sizes of the dense buffers of exact GP inference, computed in checked <c>long</c> arithmetic before anything is
/// allocated or a pointer loop starts, and the up-front refusal of problems too large for exact inference. The kernels
/// index n×n buffers with <c>int</c> offsets (i·n + j); that is only safe when n·n fits a .NET array, which every
/// buffer size checked here guarantees.
/// </summary>
internal static class ExactInference
{
    /// <summary>Rough sustained rate of the factorization and inverse on one machine, for the time estimate only.</summary>
    private const double AssumedFlopsPerSecond = 50e9;

    /// <summary>Elements of a rows×cols Float64 buffer; throws (naming <paramref name="name"/>) when it cannot be one array.</summary>
    public static int Elements(long rows, long cols, string name)
    {
        if (rows < 0 || cols < 0) throw new ArgumentOutOfRangeException(name, $"{name}: expected non-negative sizes, got {rows}×{cols}");
        long elements = checked(rows * cols);
        if (elements > Array.MaxLength)
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"{name}: a {rows:N0}×{cols:N0} Float64 matrix has {elements:N0} elements ({Bytes(elements * sizeof(double))}), more than one .NET array holds ({Array.MaxLength:N0})"), name);
        return (int)elements;
    }

    /// <summary>Throws unless a buffer of <paramref name="length"/> elements holds <paramref name="needed"/> (the bound checked before a pointer loop).</summary>
    public static void RequireLength(int length, long needed, string name)
    {
        if (needed < 0 || length < needed)
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"{name}: expected a buffer of at least {needed:N0} elements, got {length:N0}"), name);
    }

    /// <summary>
    /// Refuses, before any n×n buffer exists, an exact fit on more than <paramref name="maxRows"/> rows, saying what it
    /// would need (<paramref name="squareBuffers"/> n×n Float64 buffers, and the O(n³) work of one likelihood evaluation)
    /// and what to do instead.
    /// </summary>
    public static void EnsureFeasible(int n, int maxRows, int squareBuffers, string estimator, string name)
    {
        if (n <= maxRows) return;
        long bytes = checked((long)n * n * sizeof(double) * squareBuffers);
        double flops = (double)n * n * n;
        var c = CultureInfo.InvariantCulture;
        string need = string.Create(c, $"{name}: {estimator} does exact inference on at most {maxRows:N0} rows (MaxRows), got {n:N0}: it would hold {squareBuffers} {n:N0}×{n:N0} Float64 matrices ({Bytes(bytes)})");
        string work = string.Create(c, $"each log-marginal-likelihood evaluation costs about n³ = {flops:0.0e+0} floating-point operations (~{Duration(flops / AssumedFlopsPerSecond)} at {AssumedFlopsPerSecond / 1e9:G2} GFLOP/s; a fit takes tens of evaluations per optimizer start)");
        throw new ArgumentException($"{need} and {work}. Subsample the rows, or use the sparse GP (overfit gp regress --method sparse --inducing M)", name);
    }

    /// <summary>Bytes as a short human figure (MB, GB, TB).</summary>
    public static string Bytes(long bytes) => bytes switch
    {
        >= 1L << 40 => string.Create(CultureInfo.InvariantCulture, $"{bytes / (double)(1L << 40):0.#} TB"),
        >= 1L << 30 => string.Create(CultureInfo.InvariantCulture, $"{bytes / (double)(1L << 30):0.#} GB"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{bytes / (double)(1L << 20):0.#} MB"),
    };

    private static string Duration(double seconds) => seconds switch
    {
        >= 3600 => string.Create(CultureInfo.InvariantCulture, $"{seconds / 3600:0.#} h"),
        >= 60 => string.Create(CultureInfo.InvariantCulture, $"{seconds / 60:0.#} min"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{seconds:0.#} s"),
    };
}
