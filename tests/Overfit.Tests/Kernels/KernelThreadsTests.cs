using Overfit.Tensors;
using Overfit.Tensors.Kernels;

namespace Overfit.Tests.Kernels;

/// <summary>
/// The elementwise kernels' split across the cores: each piece's range is cut into chunks that a thread which has
/// finished its own range may take from another. Every element is covered exactly once, chunks keep their alignment,
/// and whole-tensor reductions add their per-chunk partials in a fixed order, whichever thread ran which chunk.
/// </summary>
[Collection(GemmCollection.Name)]
public sealed class KernelThreadsTests
{
    [Theory]
    [InlineData(1 << 20, 2, 16, 1)]
    [InlineData(1 << 20, 3, 16, 1)]
    [InlineData((1 << 19) + 5, 2, 16, 1)]
    [InlineData(1000, 2, 1, 1024)]
    [InlineData(3, 2, 1, 1 << 20)]
    [InlineData(70_000, 2, 16, 1)]
    public void ChunksCoverEveryIndexOnceAlignedAndNumberedInOrder(int n, int pieces, int align, int elementsPerIndex)
    {
        int chunks = KernelThreads.Chunks(n, pieces, align, elementsPerIndex);
        Assert.InRange(chunks, pieces, 4 * pieces);
        Assert.Equal(0, chunks % pieces);
        for (int round = 0; round < 200; round++)
        {
            var visits = new int[n];
            var ranges = new (int Start, int Count)[chunks];
            var calls = new int[chunks];
            KernelThreads.ForChunks(n, pieces, (chunk, start, count) =>
            {
                Interlocked.Increment(ref calls[chunk]);
                ranges[chunk] = (start, count);
                for (int i = start; i < start + count; i++) Interlocked.Increment(ref visits[i]);
            }, align, elementsPerIndex);
            Assert.All(visits, v => Assert.Equal(1, v));
            Assert.All(calls, c => Assert.Equal(1, c));
            for (int c = 0; c < chunks; c++)
            {
                Assert.True(ranges[c].Count > 0, $"chunk {c} of {chunks} is empty");
                Assert.Equal(0, ranges[c].Start % align);
                if (c + 1 < chunks) Assert.Equal(ranges[c].Start + ranges[c].Count, ranges[c + 1].Start);
            }
        }
    }

    [Fact]
    public void LargeSharesAreCutIntoSeveralChunksSmallOnesAreNot()
    {
        // A 4M-element share per thread makes four chunks of 1M elements; a share below 1 MB of Float32 stays whole
        // (the streaming kernels decide per call on at least that much).
        Assert.Equal(8, KernelThreads.Chunks(8 << 20, 2));
        Assert.Equal(4, KernelThreads.Chunks(1 << 20, 2));
        Assert.Equal(2, KernelThreads.Chunks(1 << 18, 2));
        Assert.Equal(1, KernelThreads.Chunks(1 << 20, 1));
    }

    [Fact]
    public void AThreadThatFinishesEarlyTakesTheOtherRangesChunks()
    {
        // Piece 1's own first chunk is slow: piece 0, done with its own range, takes the rest of piece 1's chunks
        // from their far end, so the call does not wait for piece 1 to go through its range alone. (Piece 0's first
        // chunk waits a little, so that the worker has started; an attempt where it still had not, and the caller
        // ran everything, shows nothing and is repeated.)
        int n = 8 << 20, chunks = KernelThreads.Chunks(n, 2);
        bool stolen = false;
        for (int attempt = 0; attempt < 5 && !stolen; attempt++)
        {
            var ranBy = new int[chunks];
            KernelThreads.ForChunks(n, 2, (chunk, start, count) =>
            {
                if (chunk == 0) Thread.Sleep(30);
                if (chunk == chunks / 2) Thread.Sleep(200);
                ranBy[chunk] = Environment.CurrentManagedThreadId;
            });
            int slowThread = ranBy[chunks / 2];
            if (ranBy.Distinct().Count() == 1) continue;
            Assert.All(ranBy.Skip(chunks / 2 + 1), t => Assert.NotEqual(slowThread, t));
            stolen = true;
        }
        Assert.True(stolen, "in five attempts the worker never ran a chunk");
    }

    [Fact]
    public void WholeTensorSumDoesNotDependOnWhichThreadRanWhichChunk()
    {
        var rng = new Random(7);
        var data = new float[(1 << 20) + 3];
        for (int i = 0; i < data.Length; i++) data[i] = (float)(rng.NextDouble() * 2 - 1) * (i % 97 == 0 ? 1e4f : 1f);
        var x = Tensor.FromArray(data, [data.Length]);
        double first = x.Sum().Item();
        for (int round = 0; round < 50; round++) Assert.Equal(first, x.Sum().Item());
        // The same partials, added in chunk order.
        int pieces = KernelThreads.Pieces(data.Length), chunks = KernelThreads.Chunks(data.Length, pieces);
        var partial = new double[chunks];
        KernelThreads.ForChunks(data.Length, pieces, (c, s, k) => partial[c] = Summation.Sum(data.AsSpan(s, k)));
        Assert.Equal((double)(float)partial.Sum(), first);
    }
}
