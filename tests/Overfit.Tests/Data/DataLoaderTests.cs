using Overfit.Data;
using Overfit.Data.Sources;
using Overfit.Data.Transforms;
using Overfit.Tensors;

namespace Overfit.Tests.Data;

public class DataLoaderTests
{
    private static ImageDataset FixtureTrain() => DatasetStore.LoadFrom(DataFixtures.FashionMnistSubset, DataFixtures.FashionMnistDirectory, train: true);

    private static TensorDataset Numbered(int n, int features = 3)
    {
        var values = new float[n * features];
        for (int i = 0; i < values.Length; i++) values[i] = i / features + (i % features) * 0.1f;
        return new TensorDataset(Tensor.FromArray(values, [n, features]), Enumerable.Range(0, n).ToArray(),
            Tensor.FromArray(Enumerable.Range(0, n).Select(i => (double)i * 2).ToArray(), [n, 1]));
    }

    [Fact]
    public void ImageBatchesAreFloat32InUnitRangeWithLabels()
    {
        ImageDataset train = FixtureTrain();
        Assert.Equal(2000, train.Count);
        Assert.Equal("Ankle boot", train.ClassNames[train.Labels[0]]);
        var loader = new DataLoader(train, batchSize: 64);
        Assert.Equal(32, loader.BatchCount);
        Batch first = loader.First();
        Assert.Equal(new[] { 64, 1, 28, 28 }, first.Inputs.Shape);
        Assert.Equal(DType.Float32, first.Inputs.DType);
        Assert.Equal(train.Labels[..64], first.Labels);
        float[] values = first.Inputs.ToFloatArray();
        Assert.All(values, v => Assert.InRange(v, 0f, 1f));
        // Pixel (image 0, row 10, col 14) equals its byte / 255, as torchvision's ToTensor computes it.
        Assert.Equal(train.Pixels[10 * 28 + 14] / 255f, values[10 * 28 + 14]);
    }

    [Fact]
    public void VectorizedPixelConversionEqualsScalarDivision()
    {
        byte[] bytes = Enumerable.Range(0, 256 + 45).Select(i => (byte)(i * 7 % 256)).ToArray();
        var floats = new float[bytes.Length];
        Overfit.Data.Kernels.PixelConversion.ToUnitFloats(bytes, floats);
        for (int i = 0; i < bytes.Length; i++) Assert.Equal(bytes[i] / 255f, floats[i]);
    }

    [Fact]
    public void BatchCountsWithAndWithoutDropLast()
    {
        var data = Numbered(10);
        Assert.Equal(new[] { 4, 4, 2 }, new DataLoader(data, 4).Select(b => b.Count).ToArray());
        Assert.Equal(new[] { 4, 4 }, new DataLoader(data, 4, dropLast: true).Select(b => b.Count).ToArray());
        Assert.Equal(3, new DataLoader(data, 4).BatchCount);
        Assert.Equal(2, new DataLoader(data, 4, dropLast: true).BatchCount);
        Assert.Single(new DataLoader(data, 100));
        Assert.Empty(new DataLoader(data, 100, dropLast: true));
    }

    [Theory]
    [InlineData(int.MaxValue)]
    [InlineData(int.MaxValue - 5)]
    [InlineData(int.MaxValue / 2 + 1)]
    public void BatchSizesNearIntMaxGiveOneBatchOfEverything(int batchSize)
    {
        // Count + batchSize − 1 used to overflow an int, so the loader reported a negative count and yielded nothing.
        var data = Numbered(10);
        var loader = new DataLoader(data, batchSize);
        Assert.Equal(1, loader.BatchCount);
        Assert.Equal(new[] { 10 }, loader.Select(b => b.Count).ToArray());
        Assert.Empty(new DataLoader(data, batchSize, dropLast: true));
    }

    [Fact]
    public void RowsLabelsAndTargetsStayTogether()
    {
        var loader = new DataLoader(Numbered(9), 4, shuffle: true, seed: 3);
        var seen = new List<int>();
        foreach (Batch batch in loader)
        {
            float[] inputs = batch.Inputs.ToFloatArray();
            double[] targets = batch.Targets!.ToDoubleArray();
            for (int i = 0; i < batch.Count; i++)
            {
                int label = batch.Labels![i];
                Assert.Equal(label, inputs[i * 3]);
                Assert.Equal(label + 0.2f, inputs[i * 3 + 2], 5);
                Assert.Equal(label * 2.0, targets[i]);
                seen.Add(label);
            }
        }
        Assert.Equal(Enumerable.Range(0, 9), seen.Order());
    }

    [Fact]
    public void ShuffleIsSeededAndEachEpochDiffers()
    {
        var data = Numbered(50);
        int[] Epoch(DataLoader l) => l.SelectMany(b => b.Labels!).ToArray();
        var a = new DataLoader(data, 8, shuffle: true, seed: 11);
        var b = new DataLoader(data, 8, shuffle: true, seed: 11);
        int[] a1 = Epoch(a), a2 = Epoch(a);
        Assert.Equal(a1, Epoch(b));
        Assert.Equal(a2, Epoch(b));
        Assert.NotEqual(a1, a2);
        Assert.NotEqual(a1, Epoch(new DataLoader(data, 8, shuffle: true, seed: 12)));
        Assert.Equal(Enumerable.Range(0, 50), Epoch(new DataLoader(data, 8)));
    }

    [Fact]
    public void FlattenAfterTransforms()
    {
        var loader = new DataLoader(FixtureTrain().Take(10), 4, transform: new Normalize(0.5, 0.5), flatten: true);
        Batch batch = loader.First();
        Assert.Equal(new[] { 4, 784 }, batch.Inputs.Shape);
        Assert.All(batch.Inputs.ToFloatArray(), v => Assert.InRange(v, -1f, 1f));
        Assert.Equal(-1f, batch.Inputs.ToFloatArray().Min());
    }

    [Fact]
    public void WholeDatasetAsTensor()
    {
        ImageDataset data = FixtureTrain().Take(5);
        Assert.Equal(new[] { 5, 784 }, data.ToTensor(flatten: true).Shape);
        Assert.Equal(new[] { 5, 1, 28, 28 }, data.ToTensor().Shape);
    }

    [Fact]
    public void SubsetCopiesTheChosenImagesInOrderWithTheirLabels()
    {
        // Three 1x2x2 images whose pixels name them, with fine and coarse labels.
        var data = new ImageDataset([0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2], 3, 1, 2, 2, [5, 6, 7], ["a", "b", "c", "d", "e", "f", "g", "h"], [0, 1, 0], ["x", "y"]);
        var subset = data.Subset([2, 0, 2]);
        Assert.Equal(3, subset.Count);
        Assert.Equal(new byte[] { 2, 2, 2, 2, 0, 0, 0, 0, 2, 2, 2, 2 }, subset.Pixels);
        Assert.Equal(new[] { 7, 5, 7 }, subset.Labels);
        Assert.Equal(new[] { 0, 0, 0 }, subset.CoarseLabels);
        Assert.Same(data.ClassNames, subset.ClassNames);
        Assert.Equal(0, data.Subset([]).Count);
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => data.Subset([1, 3]));
        Assert.Equal("indices", e.ParamName);
        Assert.StartsWith("image index must be in [0, 3), got 3 at position 1", e.Message);
    }

    [Fact]
    public void BadArgumentsAreNamed()
    {
        var data = Numbered(4);
        Assert.Equal("batchSize", Assert.Throws<ArgumentOutOfRangeException>(() => new DataLoader(data, 0)).ParamName);
        Assert.Equal("labels", Assert.Throws<ArgumentException>(() => new TensorDataset(Tensor.Zeros([4, 2]), [1, 2])).ParamName);
        Assert.Equal("targets", Assert.Throws<ArgumentException>(() => new TensorDataset(Tensor.Zeros([4, 2]), null, Tensor.Zeros([3]))).ParamName);
        Assert.Equal("indices", Assert.Throws<ArgumentOutOfRangeException>(() => data.GetBatch([0, 4])).ParamName);
        Assert.Equal("pixels", Assert.Throws<ArgumentException>(() => new ImageDataset(new byte[5], 1, 1, 2, 2, [0], ["a"])).ParamName);
    }
}
