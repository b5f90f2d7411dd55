using System.Formats.Tar;
using System.IO.Compression;
using Overfit.Data;
using Overfit.Data.Sources;

namespace Overfit.Tests.Data;

// Every download here is served by LocalHttpServer on 127.0.0.1 from fixture bytes; nothing touches the network.
public class DownloadTests
{
    private static Dictionary<string, byte[]> FixtureFiles() => DataFixtures.FashionMnistSubset.Files
        .ToDictionary(f => f.Name, f => File.ReadAllBytes(DataFixtures.FixtureFile(f.Name)));

    private static (DatasetStore Store, string Cache) StoreWithEmptyCache(TempDirectory temp, List<DownloadProgress>? progress = null)
    {
        string cache = Path.Combine(temp.Path, "cache");
        var locator = new DataLocator([new DataRoot(cache, DataRootKind.UserCache)], cache);
        var reporter = progress is null ? null : new SynchronousProgress(progress.Add);
        return (new DatasetStore(locator, allowDownload: true, new HttpClient(), reporter), cache);
    }

    private sealed class SynchronousProgress(Action<DownloadProgress> report) : IProgress<DownloadProgress>
    {
        public void Report(DownloadProgress value) => report(value);
    }

    [Fact]
    public void DownloadsVerifiesAndLoadsWhenNothingIsOnDisk()
    {
        using var server = new LocalHttpServer(FixtureFiles());
        using var temp = DataFixtures.NewTempDirectory();
        var progress = new List<DownloadProgress>();
        var (store, cache) = StoreWithEmptyCache(temp, progress);
        var dataset = DataFixtures.FashionMnistSubset with { BaseUrl = server.BaseUrl };
        ImageDataset train = store.Load(dataset, train: true);
        Assert.Equal(2000, train.Count);
        Assert.Equal(4, server.Requests);
        string folder = Path.Combine(cache, "fashion-mnist");
        Assert.Equal(dataset.Files.Select(f => f.Name).Order(), Directory.GetFiles(folder).Select(Path.GetFileName).Order());
        Assert.Contains(progress, p => p.FileName == "train-images-idx3-ubyte.gz" && p.BytesReceived == p.TotalBytes);
        // Found in the cache the second time: no new requests.
        Assert.Equal(500, store.Load(dataset, train: false).Count);
        Assert.Equal(4, server.Requests);
    }

    [Fact]
    public void OneCorruptedTransferIsRetried()
    {
        using var server = new LocalHttpServer(FixtureFiles()) { Corrupt = (n, _) => n == 1 };
        using var temp = DataFixtures.NewTempDirectory();
        var (store, _) = StoreWithEmptyCache(temp);
        Assert.Equal(2000, store.Load(DataFixtures.FashionMnistSubset with { BaseUrl = server.BaseUrl }).Count);
        Assert.Equal(5, server.Requests);
    }

    [Fact]
    public void PersistentCorruptionFailsClearlyAndLeavesNothingInTheCache()
    {
        using var server = new LocalHttpServer(FixtureFiles()) { Corrupt = (_, name) => name.StartsWith("t10k-images", StringComparison.Ordinal) };
        using var temp = DataFixtures.NewTempDirectory();
        var (store, cache) = StoreWithEmptyCache(temp);
        var e = Assert.Throws<DataNotFoundException>(() => store.Load(DataFixtures.FashionMnistSubset with { BaseUrl = server.BaseUrl }));
        Assert.Contains("t10k-images-idx3-ubyte.gz failed verification", e.Message);
        Assert.Contains("expected af0e4e74ebcd67cd2af4b43291d7a2ad", e.Message);
        Assert.Contains("tried 2 times", e.Message);
        Assert.Contains("apt-get install dataset-fashion-mnist", e.Message);
        // Two train files, then the test images twice (first try and one retry).
        Assert.Equal(4, server.Requests);
        Assert.False(Directory.Exists(Path.Combine(cache, "fashion-mnist")) && Directory.EnumerateFileSystemEntries(Path.Combine(cache, "fashion-mnist")).Any(),
            "nothing may be left in the cache after a failed download");
    }

    [Fact]
    public void MissingFileOnTheServerIsAClearError()
    {
        var files = FixtureFiles();
        files.Remove("train-labels-idx1-ubyte.gz");
        using var server = new LocalHttpServer(files);
        using var temp = DataFixtures.NewTempDirectory();
        var (store, cache) = StoreWithEmptyCache(temp);
        var e = Assert.Throws<DataNotFoundException>(() => store.Load(DataFixtures.FashionMnistSubset with { BaseUrl = server.BaseUrl }));
        Assert.Contains("HTTP 404", e.Message);
        Assert.False(Directory.Exists(Path.Combine(cache, "fashion-mnist")));
    }

    [Fact]
    public void ArchivesAreVerifiedExtractedAndDeleted()
    {
        // A CIFAR-10-shaped archive: two tiny batches stand in for the real ones (the catalog entry is adapted).
        using var temp = DataFixtures.NewTempDirectory();
        string staging = Path.Combine(temp.Path, "staging", "cifar-10-batches-bin");
        Directory.CreateDirectory(staging);
        for (int i = 1; i <= 5; i++) File.WriteAllBytes(Path.Combine(staging, $"data_batch_{i}.bin"), CifarReaderTests.Cifar10Records(4, i));
        File.WriteAllBytes(Path.Combine(staging, "test_batch.bin"), CifarReaderTests.Cifar10Records(3));
        File.WriteAllLines(Path.Combine(staging, "batches.meta.txt"), DatasetCatalog.Cifar10Classes);
        using var archive = new MemoryStream();
        using (var gzip = new GZipStream(archive, CompressionLevel.Fastest, leaveOpen: true))
            TarFile.CreateFromDirectory(Path.Combine(temp.Path, "staging"), gzip, includeBaseDirectory: false);
        byte[] bytes = archive.ToArray();
        string md5 = DatasetVerifier.Md5Hex(bytes);
        var dataset = DatasetCatalog.Cifar10 with
        {
            Archive = new DatasetFile("cifar-10-binary.tar.gz", md5),
            Files = DatasetCatalog.Cifar10.Files.Select(f => f with { Length = null }).ToArray(),
        };
        using var server = new LocalHttpServer(new() { ["cifar-10-binary.tar.gz"] = bytes });
        var (store, cache) = StoreWithEmptyCache(temp);
        ImageDataset train = store.Load(dataset with { BaseUrl = server.BaseUrl }, train: true);
        Assert.Equal(20, train.Count);
        Assert.Equal("airplane", train.ClassNames[0]);
        Assert.Equal(3, store.Load(dataset with { BaseUrl = server.BaseUrl }, train: false).Count);
        Assert.False(File.Exists(Path.Combine(cache, "cifar-10", "cifar-10-binary.tar.gz")));
        Assert.Equal(1, server.Requests);
    }
}
