namespace Overfit.Data.Sources;

/// <summary>The datasets Overfit knows how to find, download and verify.</summary>
public static class DatasetCatalog
{
    /// <summary>Fashion-MNIST class names, indexed by label.</summary>
    public static readonly string[] FashionMnistClasses =
        ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"];

    /// <summary>CIFAR-10 class names, indexed by label.</summary>
    public static readonly string[] Cifar10Classes =
        ["airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"];

    /// <summary>
    /// Zalando's Fashion-MNIST. The .gz md5s are upstream's; the content md5s are those of the decompressed
    /// files, which also verify Debian's re-compressed copies (dataset-fashion-mnist).
    /// </summary>
    public static readonly DatasetInfo FashionMnist = new(
        "FashionMNIST", "fashion-mnist", DatasetFormat.Idx,
        "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/",
        [
            new("train-images-idx3-ubyte.gz", "8d4fb7e6c68d591d4c3dfef9ec88bf0d", "f4a8712d7a061bf5bd6d2ca38dc4d50a"),
            new("train-labels-idx1-ubyte.gz", "25c81989df183df01b3e8a0aad5dffbe", "9018921c3c673c538a1fc5bad174d6f9"),
            new("t10k-images-idx3-ubyte.gz", "bef4ecab320f06d8554ea6380940ec79", "8181f5470baa50b63fa0f6fddb340f0a"),
            new("t10k-labels-idx1-ubyte.gz", "bb300cfdad3c16e7a12a480ee83cd310", "15d484375f8d13e6eb1aabb0c3f46965"),
        ],
        FashionMnistClasses, DebianPackage: "dataset-fashion-mnist", TrainCount: 60000, TestCount: 10000);

    /// <summary>LeCun's MNIST digits (from the mirror PyTorch uses); verified by the upstream .gz md5s.</summary>
    public static readonly DatasetInfo Mnist = new(
        "MNIST", "mnist", DatasetFormat.Idx,
        "https://ossci-datasets.s3.amazonaws.com/mnist/",
        [
            new("train-images-idx3-ubyte.gz", "f68b3c2dcbeaaa9fbdd348bbdeb94873"),
            new("train-labels-idx1-ubyte.gz", "d53e105ee54ea40749a09fcbcd1e9432"),
            new("t10k-images-idx3-ubyte.gz", "9fb629c4189551a2d022fa330f9573f3"),
            new("t10k-labels-idx1-ubyte.gz", "ec29112dd5afa0611ce80d1b7f02629c"),
        ],
        ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"], TrainCount: 60000, TestCount: 10000);

    /// <summary>Krizhevsky's CIFAR-10, binary version; the archive md5 is the one published with it.</summary>
    public static readonly DatasetInfo Cifar10 = new(
        "CIFAR10", "cifar-10", DatasetFormat.Cifar10Binary,
        "https://www.cs.toronto.edu/~kriz/",
        [
            .. Enumerable.Range(1, 5).Select(i => new DatasetFile($"cifar-10-batches-bin/data_batch_{i}.bin", Length: 10000L * 3073)),
            new("cifar-10-batches-bin/test_batch.bin", Length: 10000L * 3073),
            new("cifar-10-batches-bin/batches.meta.txt"),
        ],
        Cifar10Classes, Archive: new("cifar-10-binary.tar.gz", "c32a1d4ab5d03f1284b67883e8d87530"), TrainCount: 50000, TestCount: 10000);

    /// <summary>Krizhevsky's CIFAR-100, binary version (coarse and fine labels).</summary>
    public static readonly DatasetInfo Cifar100 = new(
        "CIFAR100", "cifar-100", DatasetFormat.Cifar100Binary,
        "https://www.cs.toronto.edu/~kriz/",
        [
            new("cifar-100-binary/train.bin", Length: 50000L * 3074),
            new("cifar-100-binary/test.bin", Length: 10000L * 3074),
            new("cifar-100-binary/fine_label_names.txt"),
            new("cifar-100-binary/coarse_label_names.txt"),
        ],
        [], Archive: new("cifar-100-binary.tar.gz", "03b5dce01913d631647c71ecec9e9cb8"), TrainCount: 50000, TestCount: 10000);

    /// <summary>Every known dataset.</summary>
    public static IReadOnlyList<DatasetInfo> All { get; } = [FashionMnist, Mnist, Cifar10, Cifar100];

    /// <summary>The dataset called <paramref name="name"/> (case, '-' and '_' ignored: "fashion-mnist" finds FashionMNIST).</summary>
    public static DatasetInfo Find(string name, IReadOnlyList<DatasetInfo>? catalog = null)
    {
        ArgumentNullException.ThrowIfNull(name);
        catalog ??= All;
        string key = Normalize(name);
        foreach (var d in catalog)
            if (Normalize(d.Name) == key || Normalize(d.DirectoryName) == key) return d;
        throw new ArgumentException($"unknown dataset '{name}'; expected one of: {string.Join(", ", catalog.Select(d => d.Name))}", nameof(name));
    }

    private static string Normalize(string s) => new string(s.Where(char.IsLetterOrDigit).ToArray()).ToLowerInvariant();
}
