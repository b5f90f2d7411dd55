using Overfit.Tensors;
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
}
