using Overfit.Data;
using Overfit.Data.Sources;

namespace Overfit.Tests.Data;

/// <summary>Runs only where Debian's dataset-fashion-mnist is installed; skipped (with the reason) elsewhere.</summary>
public sealed class FashionMnistInstalledFactAttribute : FactAttribute
{
    public const string Directory = "/usr/share/datasets/fashion-mnist";

    public FashionMnistInstalledFactAttribute()
    {
        if (!System.IO.File.Exists(Path.Combine(Directory, "train-images-idx3-ubyte.gz")))
            Skip = $"the full Fashion-MNIST is not installed at {Directory} (apt-get install dataset-fashion-mnist); the fixture tests cover the code";
    }
}

public class FullFashionMnistTests
{
    private static DataLocator DebianOnly() => new([new DataRoot("/usr/share/datasets", DataRootKind.System)], null);

    [FashionMnistInstalledFact]
    public void DebianPackageVerifiesAndLoadsAll70000Images()
    {
        LocateResult found = DebianOnly().Locate(DatasetCatalog.FashionMnist);
        Assert.Equal(FashionMnistInstalledFactAttribute.Directory, found.Directory);
        Assert.All(DatasetVerifier.Verify(DatasetCatalog.FashionMnist, found.Directory!), c => Assert.True(c.Ok, c.Detail));
        var store = new DatasetStore(DebianOnly(), allowDownload: false);
        ImageDataset train = store.Load(DatasetCatalog.FashionMnist, train: true), test = store.Load(DatasetCatalog.FashionMnist, train: false);
        Assert.Equal(60000, train.Count);
        Assert.Equal(10000, test.Count);
        // Every class has exactly 6,000 training and 1,000 test images.
        Assert.All(train.Labels.GroupBy(l => l), g => Assert.Equal(6000, g.Count()));
        Assert.All(test.Labels.GroupBy(l => l), g => Assert.Equal(1000, g.Count()));
        // The fixture is the head of the same files.
        ImageDataset fixture = DatasetStore.LoadFrom(DataFixtures.FashionMnistSubset, DataFixtures.FashionMnistDirectory, train: true);
        Assert.Equal(fixture.Pixels, train.Pixels[..fixture.Pixels.Length]);
    }
}
