namespace Overfit.GaussianProcesses;

/// <summary>
/// Splits the upper-triangle row loop i &lt; j of an n×n symmetric computation into chunks with equal pair counts
/// (row i owns n−1−i pairs), so that two cores finish together.
/// </summary>
internal static class PairParallel
{
    /// <summary>Below this many pairs threading costs more than it saves.</summary>
    private const long SerialPairs = 40_000;

    /// <summary>Chunks for an n×n pair loop: one below <see cref="SerialPairs"/> or on one thread, else four per thread.</summary>
    public static int ChunkCount(int n) => (long)n * n / 2 < SerialPairs ? 1 : 4 * Threading.Effective;

    /// <summary>
    /// Chunks of rows for an n×m block (k(X, Y), its gradient contraction): one below 100,000 entries or on one thread,
    /// else four per thread (no more than the rows).
    /// </summary>
    public static int RowChunkCount(int n, int m) => (long)n * m < 100_000 ? 1 : Math.Min(n, 4 * Threading.Effective);

    /// <summary>Row boundaries of <paramref name="chunks"/> chunks with roughly equal upper-triangle pair counts.</summary>
    public static int[] Boundaries(int n, int chunks)
    {
        var b = new int[chunks + 1];
        double total = (double)n * (n + 1) / 2;
        int row = 0;
        double acc = 0;
        for (int c = 1; c < chunks; c++)
        {
            double target = total * c / chunks;
            while (row < n && acc + (n - row) <= target) { acc += n - row; row++; }
            b[c] = row;
        }
        b[chunks] = n;
        return b;
    }

    /// <summary>Runs body(chunkIndex, rowStart, rowEnd) over balanced chunks, in parallel when worthwhile.</summary>
    public static void For(int n, Action<int, int, int> body)
    {
        int chunks = ChunkCount(n);
        if (chunks == 1) { body(0, 0, n); return; }
        var b = Boundaries(n, chunks);
        Threading.For(chunks, c => body(c, b[c], b[c + 1]));
    }
}
