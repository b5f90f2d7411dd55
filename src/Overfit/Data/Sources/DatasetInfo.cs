namespace Overfit.Data.Sources;

/// <summary>How a dataset's files are laid out on disk.</summary>
public enum DatasetFormat
{
    /// <summary>Four IDX files (train/test images and labels), gzip-compressed or raw.</summary>
    Idx,
    /// <summary>A tar.gz archive of CIFAR-10 binary batches.</summary>
    Cifar10Binary,
    /// <summary>A tar.gz archive of CIFAR-100 binary files.</summary>
    Cifar100Binary,
}

/// <summary>
/// One file of a dataset as found on disk (after extraction for archives). A file is verified by the md5
/// of its decompressed content when that is known (works for upstream and re-compressed copies alike),
/// else by the md5 of the downloaded file itself, else only by its structure (record size and count).
/// </summary>
public sealed record DatasetFile(string Name, string? Md5 = null, string? ContentMd5 = null, long? Length = null);

/// <summary>
/// Everything needed to find, download and verify a dataset. <see cref="DirectoryName"/> is the folder
/// looked for under each data root (Debian's name where Debian packages the dataset). For archives,
/// <see cref="Archive"/> is what is downloaded and <see cref="Files"/> are the extracted files, relative
/// to the dataset folder.
/// </summary>
public sealed record DatasetInfo(
    string Name,
    string DirectoryName,
    DatasetFormat Format,
    string BaseUrl,
    IReadOnlyList<DatasetFile> Files,
    IReadOnlyList<string> ClassNames,
    DatasetFile? Archive = null,
    string? DebianPackage = null,
    int TrainCount = 0,
    int TestCount = 0);
