using Overfit.Data.Transforms;
using Overfit.Tensors;

namespace Overfit.Tests.Data;

public class TransformTests
{
    private static Tensor Ramp(int b, int c, int h, int w)
    {
        var values = new float[b * c * h * w];
        for (int i = 0; i < values.Length; i++) values[i] = (i % 97) / 97f;
        return Tensor.FromArray(values, [b, c, h, w]);
    }

    [Fact]
    public void NormalizeIsPerChannelAndLeavesInputAlone()
    {
        var x = Tensor.FromArray(new float[] { 0, 1, 0.5f, 0.25f, 1, 1, 0, 0 }, [1, 2, 2, 2]);
        float[] before = x.ToFloatArray();
        float[] y = new Normalize([0.5, 0.0], [0.5, 0.25]).Apply(x).ToFloatArray();
        Assert.Equal(new float[] { -1, 1, 0, -0.5f, 4, 4, 0, 0 }, y);
        Assert.Equal(before, x.ToFloatArray());
        var e = Assert.Throws<ArgumentException>(() => new Normalize([0.5, 0.5, 0.5], [1, 1, 1]).Apply(x));
        Assert.Contains("3 channel values but the batch has 2 channels", e.Message);
        Assert.Equal("std", Assert.Throws<ArgumentOutOfRangeException>(() => new Normalize([0.5], [0.0])).ParamName);
    }

    [Fact]
    public void ScaleToUnitRangeDividesByMax()
    {
        var x = Tensor.FromArray(new double[] { 0, 51, 255 }, [1, 3]);
        Assert.Equal(new[] { 0, 0.2, 1 }, new ScaleToUnitRange().Apply(x).ToDoubleArray());
        Assert.Equal(DType.Float64, new ScaleToUnitRange().Apply(x).DType);
    }

    [Fact]
    public void HorizontalFlipIsSeededPerSample()
    {
        Tensor x = Ramp(64, 2, 3, 4);
        Assert.Equal(x.ToFloatArray(), new RandomHorizontalFlip(0).Apply(x).ToFloatArray());
        float[] always = new RandomHorizontalFlip(1).Apply(x).ToFloatArray();
        float[] source = x.ToFloatArray();
        for (int row = 0; row < 64 * 2 * 3; row++)
            for (int col = 0; col < 4; col++) Assert.Equal(source[row * 4 + col], always[row * 4 + 3 - col]);
        float[] a = new RandomHorizontalFlip(0.5, seed: 9).Apply(x).ToFloatArray();
        Assert.Equal(a, new RandomHorizontalFlip(0.5, seed: 9).Apply(x).ToFloatArray());
        int flipped = Enumerable.Range(0, 64).Count(b => a[b * 24] != source[b * 24] || a[b * 24 + 3] != source[b * 24 + 3]);
        Assert.InRange(flipped, 16, 48);
        Assert.Equal("p", Assert.Throws<ArgumentOutOfRangeException>(() => new RandomHorizontalFlip(1.5)).ParamName);
    }

    [Fact]
    public void RotationByZeroIsIdentityAndByNinetyIsAQuarterTurn()
    {
        Tensor x = Ramp(2, 3, 5, 5);
        Assert.Equal(x.ToFloatArray(), new RandomRotation(0, 0, seed: 1).Apply(x).ToFloatArray());
        float[] source = x.ToFloatArray(), turned = new RandomRotation(90, 90, seed: 1).Apply(x).ToFloatArray();
        // Counter-clockwise: output (y, x) shows source (x, n-1-y) — numpy.rot90 of each plane.
        for (int p = 0; p < 6; p++)
            for (int y = 0; y < 5; y++)
                for (int c = 0; c < 5; c++)
                    Assert.Equal(source[p * 25 + c * 5 + (4 - y)], turned[p * 25 + y * 5 + c], 5);
    }

    [Fact]
    public void RotationSamplesBilinearlyAndFillsOutside()
    {
        // A single bright pixel at the centre column, one row above the centre, of a 3x3 image.
        var x = Tensor.FromArray(new double[] { 0, 1, 0, 0, 0, 0, 0, 0, 0 }, [1, 3, 3]);
        double[] y = new RandomRotation(45, 45, seed: 0).Apply(x).ToDoubleArray();
        // Rotated 45 degrees counter-clockwise the bright point lands between pixels (0,0), (0,1), (1,0), (1,1):
        // each output pixel there reads a bilinear blend, and the mass near the top-left grows.
        Assert.True(y[0] > 0 && y[0] < 1, $"top-left got {y[0]}");
        Assert.True(y[2] < 1e-12, $"top-right got {y[2]}");
        double[] filled = new RandomRotation(45, 45, seed: 0, fill: 7).Apply(Tensor.Zeros([1, 3, 3], DType.Float64)).ToDoubleArray();
        Assert.True(filled[0] > 0, "a corner rotated out of the image should blend with the fill value");
        Assert.Equal(0, filled[4]);
    }

    [Theory]
    // Expected: /usr/bin/python3 tests/fixtures/reference/data/data_rotation.py (python3-torch 1.13), which reproduces
    // torchvision's tensor rotate (bilinear, zero fill, about the centre) with affine_grid-style sampling.
    [InlineData(30.0, new[] { 1.022844990179, 6.602972009102, 5.550240473581, 4.433099028024, 0.830213345054, 2.790707856479, 6.226038968048, 3.450961894323, 8.004809471617, 4.295431001964, 2.888784067832, 4.508416575329, 3.733253175473, 6.444950054802, 4.59094833006, 2.795431001964, 4.593266739737, 3.64711431703, 5.119718833629, 0.423566410922 })]
    [InlineData(-17.0, new[] { 1.265781450347, 4.099432147099, 7.599056797573, 5.329868395123, 3.062817437904, 4.536392779524, 5.328042173843, 2.907526034508, 5.804063773582, 5.458353823218, 6.287229319669, 1.760977730104, 5.665386395751, 8.44239836983, 2.052039670464, 2.809941903587, 4.183833275492, 5.488213570766, 5.283031403263, 3.276049066582 })]
    public void RotationMatchesTorchvisionConventions(double degrees, double[] expected)
    {
        // A 4x5 (non-square) image so that the centre ((W-1)/2, (H-1)/2) and the direction are both pinned down.
        var values = new double[20];
        for (int i = 0; i < 4; i++)
            for (int j = 0; j < 5; j++) values[i * 5 + j] = (3 * i + 5 * j) % 11;
        double[] rotated = new RandomRotation(degrees, degrees, seed: 0).Apply(Tensor.FromArray(values, [1, 1, 4, 5])).ToDoubleArray();
        for (int k = 0; k < 20; k++) Assert.True(Math.Abs(expected[k] - rotated[k]) < 1e-9, $"pixel {k}: expected {expected[k]}, got {rotated[k]}");
    }

    [Fact]
    public void RandomRotationIsSeededAndWithinRange()
    {
        Tensor x = Ramp(8, 1, 28, 28);
        float[] a = new RandomRotation(10, seed: 4).Apply(x).ToFloatArray();
        Assert.Equal(a, new RandomRotation(10, seed: 4).Apply(x).ToFloatArray());
        Assert.NotEqual(a, new RandomRotation(10, seed: 5).Apply(x).ToFloatArray());
        Assert.Equal("degrees", Assert.Throws<ArgumentOutOfRangeException>(() => new RandomRotation(-1)).ParamName);
        Assert.Contains("[B, C, H, W]", Assert.Throws<ArgumentException>(() => new RandomRotation(5).Apply(Tensor.Zeros([4, 4]))).Message);
    }

    [Fact]
    public void ComposeAppliesInOrder()
    {
        var x = Tensor.FromArray(new float[] { 0, 255 }, [1, 1, 1, 2]);
        var t = new Compose(new RandomHorizontalFlip(1), new ScaleToUnitRange(), new Normalize(0.5, 0.5));
        Assert.Equal(new float[] { 1, -1 }, t.Apply(x).ToFloatArray());
        Assert.Equal(3, t.Transforms.Count);
    }
}
