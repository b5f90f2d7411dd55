using Overfit.Data.Sources;

namespace Overfit.Data;

/// <summary>
/// One-line access to the image datasets, torchvision style: looks in <c>dataDirectory</c>
/// (or OVERFIT_DATA), the user cache and /usr/share/datasets, and downloads into the cache when the
/// data is nowhere and <c>download</c> is true.
/// </summary>
public static class Datasets
{
    public static ImageDataset FashionMnist(bool train = true, string? dataDirectory = null, bool download = true)
        => Load(DatasetCatalog.FashionMnist, train, dataDirectory, download);

    public static ImageDataset Mnist(bool train = true, string? dataDirectory = null, bool download = true)
        => Load(DatasetCatalog.Mnist, train, dataDirectory, download);

    public static ImageDataset Cifar10(bool train = true, string? dataDirectory = null, bool download = true)
        => Load(DatasetCatalog.Cifar10, train, dataDirectory, download);

    public static ImageDataset Cifar100(bool train = true, string? dataDirectory = null, bool download = true)
        => Load(DatasetCatalog.Cifar100, train, dataDirectory, download);

    private static ImageDataset Load(DatasetInfo dataset, bool train, string? dataDirectory, bool download)
        => new DatasetStore(DataLocator.CreateDefault(dataDirectory), download).Load(dataset, train);
}
