using Overfit.Data.Readers;

namespace Overfit.Data.Sources;

public sealed partial class DatasetStore
{
    /// <summary>The training or test split of <paramref name="dataset"/>, found or downloaded first.</summary>
    public ImageDataset Load(DatasetInfo dataset, bool train = true) => LoadFrom(dataset, Ensure(dataset), train);

    /// <summary>
    /// Reads the training or test split from a folder holding the dataset's files. Image and label counts
    /// must agree with each other (not with the full dataset's, so subsets such as the test fixture load too).
    /// </summary>
    public static ImageDataset LoadFrom(DatasetInfo dataset, string directory, bool train = true)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(directory);
        string Resolve(int index)
        {
            var file = dataset.Files[index];
            return DataLocator.ResolveFile(directory, file)
                ?? throw new FileNotFoundException($"{dataset.Name}: file {file.Name} is not in {directory}", Path.Combine(directory, file.Name));
        }
        switch (dataset.Format)
        {
            case DatasetFormat.Idx:
            {
                string imagesPath = Resolve(train ? 0 : 2), labelsPath = Resolve(train ? 1 : 3);
                IdxImages images = IdxReader.ReadImages(imagesPath);
                byte[] labels = IdxReader.ReadLabels(labelsPath, classCount: dataset.ClassNames.Count);
                if (labels.Length != images.Count)
                    throw new InvalidDataException($"{dataset.Name}: count mismatch, '{imagesPath}' has {images.Count} images but '{labelsPath}' has {labels.Length} labels");
                return new ImageDataset(images.Pixels, images.Count, 1, images.Rows, images.Columns, ToInts(labels), dataset.ClassNames);
            }
            case DatasetFormat.Cifar10Binary:
            {
                string[] paths = train ? [.. Enumerable.Range(0, 5).Select(Resolve)] : [Resolve(5)];
                CifarRecords records = CifarReader.ReadCifar10(paths);
                string[] names = CifarReader.ReadLabelNames(Resolve(6), expectedCount: 10);
                return new ImageDataset(records.Pixels, records.Count, 3, 32, 32, ToInts(records.Labels), names);
            }
            case DatasetFormat.Cifar100Binary:
            {
                CifarRecords records = CifarReader.ReadCifar100(Resolve(train ? 0 : 1));
                string[] fine = CifarReader.ReadLabelNames(Resolve(2), expectedCount: 100);
                string[] coarse = CifarReader.ReadLabelNames(Resolve(3), expectedCount: 20);
                return new ImageDataset(records.Pixels, records.Count, 3, 32, 32, ToInts(records.Labels), fine, ToInts(records.CoarseLabels!), coarse);
            }
            default:
                throw new ArgumentOutOfRangeException(nameof(dataset), dataset.Format, $"unsupported dataset format {dataset.Format}");
        }
    }

    private static int[] ToInts(byte[] values)
    {
        var result = new int[values.Length];
        for (int i = 0; i < values.Length; i++) result[i] = values[i];
        return result;
    }
}
