using Overfit.Data.Sources;

namespace Overfit.Tests.Data;

/// <summary>Paths and the catalog entry of the Fashion-MNIST subset in tests/fixtures, plus temporary folders.</summary>
internal static class DataFixtures
{
    public static string FashionMnistDirectory => Path.Combine(AppContext.BaseDirectory, "fixtures", "fashion-mnist");

    public static string FixtureFile(string name) => Path.Combine(FashionMnistDirectory, name);

    /// <summary>The subset's own checksums (tests/fixtures/fashion-mnist/README.md); .gz md5s from data_cut_fixture.py.</summary>
    public static DatasetInfo FashionMnistSubset => DatasetCatalog.FashionMnist with
    {
        Files =
        [
            new("train-images-idx3-ubyte.gz", "8d83a59c5e977953a258aab7853a4f5d", "7f9091a9289757d4759f4db021f25698"),
            new("train-labels-idx1-ubyte.gz", "e9183bba3c9e69ce78f4d79c3bc6d341", "286ec15c542ee97cbedb47658809cb4d"),
            new("t10k-images-idx3-ubyte.gz", "af0e4e74ebcd67cd2af4b43291d7a2ad", "4255ad7a7e77f5f027f05fd7644a6d38"),
            new("t10k-labels-idx1-ubyte.gz", "35c3ac31cb9e01e7100da93f3fc15cc4", "46aa1f456ad6a5c48b50f4f28b2cc651"),
        ],
        TrainCount = 2000,
        TestCount = 500,
    };

    /// <summary>The folder holding every fixture dataset (a data root: datasets are its subfolders).</summary>
    public static string FixturesRoot => Path.Combine(AppContext.BaseDirectory, "fixtures");

    /// <summary>The synthetic CIFAR-100-format fixture (tests/fixtures/cifar-100/README.md: 200 training and 100 test records).</summary>
    public static DatasetInfo Cifar100Subset => DatasetCatalog.Cifar100 with
    {
        Files =
        [
            new("cifar-100-binary/train.bin", "a0219fac39674c9692a9da0e4d5fefa7", Length: 200L * 3074),
            new("cifar-100-binary/test.bin", "ef671ff7367d671a53a51de11f21200f", Length: 100L * 3074),
            new("cifar-100-binary/fine_label_names.txt"),
            new("cifar-100-binary/coarse_label_names.txt"),
        ],
        TrainCount = 200,
        TestCount = 100,
    };

    public static TempDirectory NewTempDirectory() => new();
}

/// <summary>A fresh folder under the system temp directory, deleted on dispose.</summary>
internal sealed class TempDirectory : IDisposable
{
    public TempDirectory()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "overfit-data-tests-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        if (Directory.Exists(Path)) Directory.Delete(Path, recursive: true);
    }
}
