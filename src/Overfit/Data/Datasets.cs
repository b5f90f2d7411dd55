using Overfit.Data.Sources;

namespace Overfit.Data;

/// <summary>
/// One-line access to the image datasets, torchvision style: looks in <c>dataDirectory</c>
/// (or OVERFIT_DATA), the user cache and /usr/share/datasets, and downloads into the cache when the
/// data is nowhere and <c>download</c> is true.
/// </summary>
public static class Datasets
{
    /// <summary>Fashion-MNIST: 60,000 train or 10,000 test images [1, 28, 28] in 10 classes (like torchvision.datasets.FashionMNIST).</summary>
    /// <param name="train">Training split (true) or test split.</param>
    /// <param name="dataDirectory">Folder to look in first (null: OVERFIT_DATA, the user cache, /usr/share/datasets).</param>
    /// <param name="download">Download into the user cache when the data is nowhere.</param>
    /// <exception cref="DataNotFoundException">The data is nowhere and could not be downloaded.</exception>
    public static ImageDataset FashionMnist(bool train = true, string? dataDirectory = null, bool download = true)
        => Load(DatasetCatalog.FashionMnist, train, dataDirectory, download);

    /// <summary>MNIST: 60,000 train or 10,000 test digits [1, 28, 28] (like torchvision.datasets.MNIST).</summary>
    /// <param name="train">Training split (true) or test split.</param>
    /// <param name="dataDirectory">Folder to look in first (null: OVERFIT_DATA, the user cache, /usr/share/datasets).</param>
    /// <param name="download">Download into the user cache when the data is nowhere.</param>
    /// <exception cref="DataNotFoundException">The data is nowhere and could not be downloaded.</exception>
    public static ImageDataset Mnist(bool train = true, string? dataDirectory = null, bool download = true)
        => Load(DatasetCatalog.Mnist, train, dataDirectory, download);

    /// <summary>CIFAR-10: 50,000 train or 10,000 test images [3, 32, 32] in 10 classes (like torchvision.datasets.CIFAR10).</summary>
    /// <param name="train">Training split (true) or test split.</param>
    /// <param name="dataDirectory">Folder to look in first (null: OVERFIT_DATA, the user cache, /usr/share/datasets).</param>
    /// <param name="download">Download into the user cache when the data is nowhere.</param>
    /// <exception cref="DataNotFoundException">The data is nowhere and could not be downloaded.</exception>
    public static ImageDataset Cifar10(bool train = true, string? dataDirectory = null, bool download = true)
        => Load(DatasetCatalog.Cifar10, train, dataDirectory, download);

    /// <summary>CIFAR-100: 50,000 train or 10,000 test images [3, 32, 32], 100 fine and 20 coarse classes (like torchvision.datasets.CIFAR100).</summary>
    /// <param name="train">Training split (true) or test split.</param>
    /// <param name="dataDirectory">Folder to look in first (null: OVERFIT_DATA, the user cache, /usr/share/datasets).</param>
    /// <param name="download">Download into the user cache when the data is nowhere.</param>
    /// <exception cref="DataNotFoundException">The data is nowhere and could not be downloaded.</exception>
    public static ImageDataset Cifar100(bool train = true, string? dataDirectory = null, bool download = true)
        => Load(DatasetCatalog.Cifar100, train, dataDirectory, download);

    private static ImageDataset Load(DatasetInfo dataset, bool train, string? dataDirectory, bool download)
        => new DatasetStore(DataLocator.CreateDefault(dataDirectory), download).Load(dataset, train);
}
