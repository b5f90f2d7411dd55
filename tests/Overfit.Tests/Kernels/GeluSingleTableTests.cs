using Overfit.Tensors;
using Overfit.Tensors.Kernels;
using Xunit.Abstractions;

namespace Overfit.Tests.Kernels;

/// <summary>
/// Float32 GELU has two paths on 512-bit lanes: a table of degree-5 pieces for vectors whose every lane has |x| &lt; 4,
/// and the general path (exponential and Q(a) polynomial) for any other vector. Both must be within 2 ulp of Float64 GELU
/// rounded to float for the same value, and a value must get the same result wherever it sits in a span (the last,
/// partial block runs on the same lanes). On machines without 512-bit lanes both checks still hold (one path).
/// The whole |x| &lt; 4 range was also checked exhaustively once (all 2.16e9 floats: at most 1 ulp).
/// </summary>
public class GeluSingleTableTests(ITestOutputHelper output)
{
    [Fact]
    public void TablePathAndGeneralPathBothWithinTwoUlp()
    {
        var rng = new Random(11);
        int n = 16 * 2048 + 7;
        var values = new double[n];
        for (int i = 0; i < n; i++) values[i] = (float)(rng.NextDouble() * 8 - 4);
        // Piece boundaries, the ends of the table's range, tiny and subnormal values.
        double[] edges = [0.0, -0.0, 0.125, -0.125, 0.0625, -0.0625, 1, -1, 3.875, -3.875, 4 - 2.4e-7, -(4 - 2.4e-7), 1e-30, -1e-30, 1e-40, -1e-40];
        edges.CopyTo(values, 0);
        // The same values with every 16th replaced by 5: every 16-lane vector then takes the general path.
        var mixed = values.Select((v, i) => i % 16 == 9 ? 5.0 : v).ToArray();
        var reference = Tensor.FromArray(values).Gelu().ToDoubleArray();
        var table = Tensor.FromArray(values).To(DType.Float32).Gelu().ToDoubleArray();
        var general = Tensor.FromArray(mixed).To(DType.Float32).Gelu().ToDoubleArray();
        long worstTable = 0, worstGeneral = 0;
        for (int i = 0; i < n; i++)
        {
            long ulp = TranscendentalUlpTests.UlpDistance((float)table[i], (float)reference[i]);
            Assert.True(ulp <= 2, $"gelu({values[i]:R}) in float32: got {table[i]:R}, Float64 GELU gives {reference[i]:R}, {ulp} ulp apart");
            worstTable = Math.Max(worstTable, ulp);
            if (i % 16 == 9) continue;
            ulp = TranscendentalUlpTests.UlpDistance((float)general[i], (float)reference[i]);
            Assert.True(ulp <= 2, $"gelu({values[i]:R}) in float32 beside a lane of 5: got {general[i]:R}, Float64 GELU gives {reference[i]:R}, {ulp} ulp apart");
            worstGeneral = Math.Max(worstGeneral, ulp);
        }
        output.WriteLine($"|x| < 4: table path max {worstTable} ulp, general path max {worstGeneral} ulp over {n} values");
    }

    [Fact]
    public void ResultDoesNotDependOnPositionInTheSpan()
    {
        var rng = new Random(12);
        int n = 16 * 64 + 13; // a partial last block
        var values = Enumerable.Range(0, n).Select(_ => rng.NextDouble() * 8 - 4).ToArray();
        var whole = Tensor.FromArray(values).To(DType.Float32).Gelu().ToDoubleArray();
        for (int i = 0; i < n; i += 37)
        {
            var alone = Tensor.FromArray([values[i]]).To(DType.Float32).Gelu().ToDoubleArray()[0];
            Assert.Equal(whole[i], alone);
        }
        for (int i = n - 13; i < n; i++)
            Assert.Equal(whole[i], Tensor.FromArray([values[i]]).To(DType.Float32).Gelu().ToDoubleArray()[0]);
    }

    /// <summary>
    /// The chunked loop (every block through the table path, a chunk with some |x| ≥ 4, ±∞ or NaN redone by the general
    /// op) gives the same bits as the op block by block, for GELU and for its gradient, for lengths around the chunk
    /// size and a partial last block.
    /// </summary>
    [Fact]
    public void ChunkedLoopMatchesTheOpBlockByBlock()
    {
        if (!GeluSingleTable.IsSupported) return; // only 512-bit lanes have the table path (the kernel then uses the op's loop)
        var rng = new Random(13);
        foreach (int n in new[] { 1, 31, 32, 255, 256, 257, 3 * 256 + 45, 4096 })
        {
            var x = new float[n];
            for (int i = 0; i < n; i++) x[i] = (float)(rng.NextDouble() * 8 - 4);
            // Out-of-table values in some chunks only: one large value, infinities and NaN.
            if (n > 300) { x[300] = 7.5f; x[n - 2] = float.NegativeInfinity; }
            if (n > 2000) { x[1500] = float.NaN; x[1700] = float.PositiveInfinity; x[2100] = -4f; }
            var chunked = new float[n];
            var blockwise = new float[n];
            GeluSingleTable.Map(x, chunked);
            VectorLoops.MapWide(new GeluSingleOp(), x, blockwise);
            for (int i = 0; i < n; i++)
                Assert.True(BitConverter.SingleToInt32Bits(chunked[i]) == BitConverter.SingleToInt32Bits(blockwise[i]),
                    $"n = {n}, gelu({x[i]:R}): chunked loop {chunked[i]:R}, block by block {blockwise[i]:R}");
            // The gradient g·GELU′(x) through the same loop.
            var g = new float[n];
            for (int i = 0; i < n; i++) g[i] = (float)(rng.NextDouble() * 4 - 2);
            GeluSingleTable.MapGradient(x, g, chunked);
            VectorLoops.MapWide(new GeluGradSingleOp(), x, g, blockwise);
            for (int i = 0; i < n; i++)
                Assert.True(BitConverter.SingleToInt32Bits(chunked[i]) == BitConverter.SingleToInt32Bits(blockwise[i]),
                    $"n = {n}, {g[i]:R}·gelu′({x[i]:R}): chunked loop {chunked[i]:R}, block by block {blockwise[i]:R}");
        }
        Assert.Throws<ArgumentException>(() => GeluSingleTable.Map(new float[4], new float[3]));
        Assert.Throws<ArgumentException>(() => GeluSingleTable.MapGradient(new float[4], new float[3], new float[4]));
        Assert.Throws<ArgumentException>(() => GeluSingleTable.MapGradient(new float[4], new float[4], new float[3]));
    }

    /// <summary>
    /// The Float32 GELU derivative (table path for vectors with every |x| &lt; 4, double on widened lanes otherwise)
    /// against the Float64 derivative: within 2 ulp where |D| ≥ 0.01, and within 4e-9 absolute below, around the zero
    /// at x = −0.7518 where float cancellation in the table's last add leaves an absolute error of about 2e-9.
    /// Checked once on every third float below 4 in magnitude (7.2e8 values): at most 2 ulp and 1.9e-9.
    /// </summary>
    [Fact]
    public void DerivativeWithinTwoUlpAwayFromItsZero()
    {
        var values = new List<double> { 0.0, -0.0, 0.7518, -0.7518, 4 - 2.4e-7, -(4 - 2.4e-7), 4, -4, 6, -6, 20, -20, 1e-40, -1e-40 };
        for (long bits = 0; bits < 0x41000000L; bits += 997)
        {
            float v = BitConverter.Int32BitsToSingle((int)bits);
            values.Add(v);
            values.Add(-v);
        }
        var x = values.ToArray();
        var single = Tensor.FromArray(x).To(DType.Float32);
        single.RequiresGrad = true;
        // A full incoming gradient (the span-by-span loop) and a broadcast one from Sum (span by scalar) give the same bits.
        var d = Overfit.Autograd.Autograd.Gradient(single.Gelu(), [single], Tensor.Ones([x.Length], DType.Float32))[0].ToDoubleArray();
        single.Gelu().Sum().Backward();
        Assert.Equal(d, single.Grad!.ToDoubleArray());
        var reference = Tensor.FromArray(x, requiresGrad: true);
        reference.Gelu().Sum().Backward();
        var r = reference.Grad!.ToDoubleArray();
        long worstUlp = 0;
        double worstAbs = 0;
        for (int i = 0; i < x.Length; i++)
        {
            if (Math.Abs(r[i]) >= 0.01)
            {
                long ulp = TranscendentalUlpTests.UlpDistance((float)d[i], (float)r[i]);
                Assert.True(ulp <= 2, $"gelu'({x[i]:R}) in float32: got {d[i]:R}, Float64 gives {r[i]:R}, {ulp} ulp apart");
                worstUlp = Math.Max(worstUlp, ulp);
            }
            else
            {
                double error = Math.Abs(d[i] - r[i]);
                Assert.True(error <= 4e-9, $"gelu'({x[i]:R}) in float32: got {d[i]:R}, Float64 gives {r[i]:R}, {error:E2} apart");
                worstAbs = Math.Max(worstAbs, error);
            }
        }
        output.WriteLine($"gelu' float32: max {worstUlp} ulp where |D| >= 0.01, max absolute error {worstAbs:E2} below, over {x.Length} values");
    }
}
