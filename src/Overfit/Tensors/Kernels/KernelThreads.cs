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
    /// Chunks each piece's range is cut into. A thread that has finished its own range takes the chunks of another
    /// range no thread has started yet, from its far end: when one core is slowed by another process (or its worker
    /// wakes late), the other does more than half instead of waiting, while each core still starts on, and mostly
    /// keeps, the half it had in the op before (its cache).
    /// </summary>
    private const int ChunksPerPiece = 4;

    /// <summary>
    /// Fewest elements in a chunk: 1 MB of Float32. Each chunk is one call of the kernel, and the streaming kernels write
    /// past the caches only spans of at least <see cref="VectorLoops.StreamingMinBytes"/>; smaller chunks would turn that
    /// off for the outputs whose halves it pays for.
    /// </summary>
    private const int MinChunkElements = 1 << 18;

    /// <summary>
    /// Number of chunks <see cref="ForChunks"/> cuts [0, <paramref name="n"/>) into for <paramref name="pieces"/> threads,
    /// where each index stands for <paramref name="elementsPerIndex"/> elements (a row's length). Fixed by the sizes alone,
    /// so per-chunk partial results are added in an order that does not depend on timing.
    /// </summary>
    public static int Chunks(int n, int pieces, int align = 16, int elementsPerIndex = 1)
    {
        if (pieces <= 1) return 1;
        long units = (n + (long)align - 1) / align;
        long perPiece = (long)n * elementsPerIndex / pieces / MinChunkElements;
        return pieces * (int)Math.Clamp(Math.Min(perPiece, units / pieces), 1, ChunksPerPiece);
    }

    /// <summary>
    /// Runs body(start, count) over [0, <paramref name="n"/>) cut into <paramref name="pieces"/> ranges for as many
    /// threads, each range cut into chunks that are a multiple of <paramref name="align"/> long except the last (so rows
    /// or SIMD blocks are never split); see <see cref="ForChunks"/>.
    /// </summary>
    public static void For(int n, int pieces, Action<int, int> body, int align = 16, int elementsPerIndex = 1)
    {
        if (pieces <= 1) body(0, n);
        else new ChunkedLoop(n, pieces, align, elementsPerIndex, body, null).Run();
    }

    /// <summary>
    /// Runs body(chunk, start, count) once for each of the <see cref="Chunks"/> chunks of [0, <paramref name="n"/>) (none is empty),
    /// on up to <paramref name="pieces"/> threads: thread p takes its own range's chunks in order, then claims what is left
    /// of the others' ranges from their ends. Every chunk is claimed before it runs, so none runs twice.
    /// </summary>
    public static void ForChunks(int n, int pieces, Action<int, int, int> body, int align = 16, int elementsPerIndex = 1)
        => new ChunkedLoop(n, pieces, align, elementsPerIndex, null, body).Run();

    /// <summary>One call's chunks, claims and body: one object (and one delegate for the workers) per call, so an op's allocation stays small.</summary>
    private sealed class ChunkedLoop(int n, int pieces, int align, int elementsPerIndex, Action<int, int>? ranges, Action<int, int, int>? chunked)
    {
        private readonly int _chunks = Chunks(n, pieces, align, elementsPerIndex);
        private readonly long _units = (n + (long)align - 1) / align;
        private int[] _claimed = [];

        public void Run()
        {
            if (_chunks == 1)
            {
                RunChunk(0);
                return;
            }
            _claimed = new int[_chunks];
            GemmWorkers.Run(pieces, Piece);
        }

        /// <summary>Thread p: its own range's chunks in order, then what is left of the others' ranges, from their ends.</summary>
        private void Piece(int p)
        {
            int perPiece = _chunks / pieces;
            for (int c = p * perPiece; c < (p + 1) * perPiece; c++)
                if (Interlocked.Exchange(ref _claimed[c], 1) == 0) RunChunk(c);
            for (int q = 1; q < pieces; q++)
            {
                int other = (p + q) % pieces;
                for (int c = (other + 1) * perPiece - 1; c >= other * perPiece; c--)
                    if (Interlocked.Exchange(ref _claimed[c], 1) == 0) RunChunk(c);
            }
        }

        private void RunChunk(int c)
        {
            int start = (int)Math.Min(n, _units * c / _chunks * align);
            int end = (int)Math.Min(n, _units * (c + 1) / _chunks * align);
            if (end <= start) return;
            if (ranges is not null) ranges(start, end - start);
            else chunked!(c, start, end - start);
        }
    }
}
