using Overfit.Data;
using Overfit.Data.Sources;

namespace Overfit.Tests.Data;

public class DataLocatorTests
{
    private static void CopyFixture(string target)
    {
        Directory.CreateDirectory(target);
        foreach (string file in Directory.EnumerateFiles(DataFixtures.FashionMnistDirectory, "*.gz"))
            File.Copy(file, Path.Combine(target, Path.GetFileName(file)));
    }

    [Fact]
    public void LooksInOrderExplicitEnvironmentCacheSystem()
    {
        using var temp = DataFixtures.NewTempDirectory();
        var roots = new[]
        {
            new DataRoot(Path.Combine(temp.Path, "system"), DataRootKind.System),
            new DataRoot(Path.Combine(temp.Path, "cache"), DataRootKind.UserCache),
            new DataRoot(Path.Combine(temp.Path, "explicit"), DataRootKind.Explicit),
        };
        var locator = new DataLocator(roots, Path.Combine(temp.Path, "cache"));
        Assert.Equal(new[] { DataRootKind.Explicit, DataRootKind.UserCache, DataRootKind.System }, locator.Roots.Select(r => r.Kind));
        var subset = DataFixtures.FashionMnistSubset;

        CopyFixture(Path.Combine(temp.Path, "system", "fashion-mnist"));
        Assert.Equal(Path.Combine(temp.Path, "system", "fashion-mnist"), locator.Locate(subset).Directory);
        CopyFixture(Path.Combine(temp.Path, "cache", "fashion-mnist"));
        Assert.Equal(Path.Combine(temp.Path, "cache", "fashion-mnist"), locator.Locate(subset).Directory);
        // An explicit directory may be the dataset folder itself.
        CopyFixture(Path.Combine(temp.Path, "explicit"));
        LocateResult found = locator.Locate(subset);
        Assert.Equal(Path.Combine(temp.Path, "explicit"), found.Directory);
        Assert.False(found.Attempts[0].Found);
        Assert.True(found.Attempts[1].Found);
    }

    [Fact]
    public void NotFoundListsEveryPlaceAndHowToGetTheData()
    {
        using var temp = DataFixtures.NewTempDirectory();
        Directory.CreateDirectory(Path.Combine(temp.Path, "cache", "fashion-mnist"));
        File.WriteAllBytes(Path.Combine(temp.Path, "cache", "fashion-mnist", "train-images-idx3-ubyte.gz"), [1]);
        var locator = new DataLocator(
            [new DataRoot(Path.Combine(temp.Path, "cache"), DataRootKind.UserCache), new DataRoot(Path.Combine(temp.Path, "sys"), DataRootKind.System)],
            Path.Combine(temp.Path, "cache"));
        var store = new DatasetStore(locator, allowDownload: false);
        var e = Assert.Throws<DataNotFoundException>(() => store.Load(DatasetCatalog.FashionMnist));
        Assert.Contains(Path.Combine(temp.Path, "cache", "fashion-mnist"), e.Message);
        Assert.Contains("missing train-labels-idx1-ubyte.gz", e.Message);
        Assert.Contains(Path.Combine(temp.Path, "sys", "fashion-mnist"), e.Message);
        Assert.Contains("no such directory", e.Message);
        Assert.Contains("apt-get install dataset-fashion-mnist", e.Message);
        Assert.Contains("overfit data download FashionMNIST", e.Message);
        Assert.Contains("OVERFIT_DATA", e.Message);
        Assert.Equal(2, e.Lookup.Attempts.Count);
    }

    [Fact]
    public void DecompressedFilesAreFoundAndVerifiedByContent()
    {
        using var temp = DataFixtures.NewTempDirectory();
        foreach (var file in DataFixtures.FashionMnistSubset.Files)
            File.WriteAllBytes(temp.File(file.Name[..^3]), Overfit.Data.Readers.IdxReader.ReadAllDecompressed(DataFixtures.FixtureFile(file.Name)));
        var locator = new DataLocator([new DataRoot(temp.Path, DataRootKind.Explicit)], null);
        Assert.Equal(temp.Path, locator.Locate(DataFixtures.FashionMnistSubset).Directory);
        Assert.All(DatasetVerifier.Verify(DataFixtures.FashionMnistSubset, temp.Path), c => Assert.True(c.Ok, c.Detail));
        Assert.Equal(500, new DatasetStore(locator, allowDownload: false).Load(DataFixtures.FashionMnistSubset, train: false).Count);
    }

    [Fact]
    public void VerificationCatchesAModifiedFile()
    {
        using var temp = DataFixtures.NewTempDirectory();
        CopyFixture(temp.Path);
        var checks = DatasetVerifier.Verify(DataFixtures.FashionMnistSubset, temp.Path);
        Assert.All(checks, c => Assert.True(c.Ok, c.Detail));
        // The fixture is not the full dataset: the full checksums must reject it.
        Assert.All(DatasetVerifier.Verify(DatasetCatalog.FashionMnist, temp.Path), c => Assert.False(c.Ok));
        byte[] labels = Overfit.Data.Readers.IdxReader.ReadAllDecompressed(temp.File("t10k-labels-idx1-ubyte.gz"));
        labels[100] ^= 1;
        File.Delete(temp.File("t10k-labels-idx1-ubyte.gz"));
        File.WriteAllBytes(temp.File("t10k-labels-idx1-ubyte"), labels);
        FileCheck bad = DatasetVerifier.Verify(DataFixtures.FashionMnistSubset, temp.Path)[3];
        Assert.False(bad.Ok);
        Assert.Contains("expected 46aa1f456ad6a5c48b50f4f28b2cc651", bad.Detail);
    }

    [Fact]
    public void AVerifiedCopyIsTrustedUntilItsFilesChange()
    {
        using var temp = DataFixtures.NewTempDirectory();
        var subset = DataFixtures.FashionMnistSubset;
        string cacheRoot = Path.Combine(temp.Path, "cache"), copy = Path.Combine(cacheRoot, "fashion-mnist");
        CopyFixture(copy);
        var locator = new DataLocator([new DataRoot(cacheRoot, DataRootKind.UserCache)], cacheRoot);
        Assert.Equal(copy, locator.Locate(subset).Directory);
        string record = File.ReadAllText(Path.Combine(cacheRoot, "verified.json"));
        foreach (var file in subset.Files) Assert.Contains(Path.GetFileName(DataLocator.ResolveFile(copy, file)!), record);

        // A file rewritten with its old length and modification time (what the record keys on) is trusted without
        // hashing; `overfit data check` (DatasetVerifier) still hashes and catches it.
        string labels = Path.Combine(copy, "t10k-labels-idx1-ubyte.gz");
        DateTime modified = File.GetLastWriteTimeUtc(labels);
        byte[] bytes = File.ReadAllBytes(labels);
        bytes[^5] ^= 0xff; // inside the gzip trailer's CRC: the content no longer checks out
        File.WriteAllBytes(labels, bytes);
        File.SetLastWriteTimeUtc(labels, modified);
        Assert.Equal(copy, locator.Locate(subset).Directory);
        Assert.Contains(DatasetVerifier.Verify(subset, copy), c => !c.Ok);

        // Any change of modification time sends the file through the md5 check again.
        File.SetLastWriteTimeUtc(labels, modified.AddSeconds(1));
        LocateResult after = locator.Locate(subset);
        Assert.False(after.Found);
        Assert.Single(after.CorruptCopies);

        // Deleted copies leave the record at its next write.
        Directory.Delete(copy, recursive: true);
        string other = Path.Combine(temp.Path, "other");
        CopyFixture(other);
        Assert.Equal(other, new DataLocator([new DataRoot(other, DataRootKind.Explicit)], cacheRoot).Locate(subset).Directory);
        record = File.ReadAllText(Path.Combine(cacheRoot, "verified.json"));
        Assert.Contains("other", record);
        Assert.DoesNotContain("fashion-mnist", record);

        // Without a cache there is no record: every lookup hashes.
        var uncached = new DataLocator([new DataRoot(Path.Combine(temp.Path, "elsewhere"), DataRootKind.Explicit)], null);
        CopyFixture(Path.Combine(temp.Path, "elsewhere"));
        Assert.Equal(Path.Combine(temp.Path, "elsewhere"), uncached.Locate(subset).Directory);
        Assert.False(File.Exists(Path.Combine(temp.Path, "elsewhere", "verified.json")));
    }

    [Fact]
    public void ACorruptCopyIsSkippedAndNeverHidesAGoodOneFurtherDown()
    {
        using var temp = DataFixtures.NewTempDirectory();
        var subset = DataFixtures.FashionMnistSubset;
        string cache = Path.Combine(temp.Path, "cache", "fashion-mnist"), system = Path.Combine(temp.Path, "system", "fashion-mnist");
        CopyFixture(cache);
        CopyFixture(system);
        // A truncated copy in the cache (an interrupted copy, a full disk): every file is there, one is short.
        string truncated = Path.Combine(cache, "train-images-idx3-ubyte.gz");
        File.WriteAllBytes(truncated, File.ReadAllBytes(truncated)[..100]);
        var locator = new DataLocator([new DataRoot(Path.Combine(temp.Path, "cache"), DataRootKind.UserCache), new DataRoot(Path.Combine(temp.Path, "system"), DataRootKind.System)],
            Path.Combine(temp.Path, "cache"));
        LocateResult found = locator.Locate(subset);
        Assert.Equal(system, found.Directory);
        var skipped = Assert.Single(found.CorruptCopies);
        Assert.Equal(cache, skipped.Directory);
        Assert.StartsWith("corrupt copy skipped: train-images-idx3-ubyte.gz:", skipped.Detail);
        Assert.Equal("all files present and verified", found.Attempts[^1].Detail);
        // Existence only (the old behaviour) still finds the corrupt copy first.
        Assert.Equal(cache, locator.Locate(subset, verify: false).Directory);
        // Without the good copy the lookup fails, and the message says why the corrupt one was not used.
        Directory.Delete(system, recursive: true);
        var e = Assert.Throws<DataNotFoundException>(() => new DatasetStore(locator, allowDownload: false).Ensure(subset));
        Assert.Contains("corrupt copy skipped: train-images-idx3-ubyte.gz", e.Message);
    }

    [Fact]
    public void DefaultLookupOrderReadsTheEnvironment()
    {
        using var temp = DataFixtures.NewTempDirectory();
        string? oldData = Environment.GetEnvironmentVariable(DataLocator.EnvironmentVariable);
        string? oldCache = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
        try
        {
            Environment.SetEnvironmentVariable(DataLocator.EnvironmentVariable, temp.File("from-env"));
            Environment.SetEnvironmentVariable("XDG_CACHE_HOME", temp.File("xdg"));
            DataLocator locator = DataLocator.CreateDefault(temp.File("explicit"));
            Assert.Equal(new[] { temp.File("explicit"), temp.File("from-env"), Path.Combine(temp.File("xdg"), "overfit"), "/usr/share/datasets" },
                locator.Roots.Select(r => r.Path));
            Assert.Equal(Path.Combine(temp.File("xdg"), "overfit"), locator.CacheRoot);
            Assert.Equal(Path.Combine(temp.File("xdg"), "overfit", "fashion-mnist"), locator.CacheDirectory(DatasetCatalog.FashionMnist));
        }
        finally
        {
            Environment.SetEnvironmentVariable(DataLocator.EnvironmentVariable, oldData);
            Environment.SetEnvironmentVariable("XDG_CACHE_HOME", oldCache);
        }
    }

    [Fact]
    public void CatalogFindsNamesLoosely()
    {
        Assert.Same(DatasetCatalog.FashionMnist, DatasetCatalog.Find("fashion-mnist"));
        Assert.Same(DatasetCatalog.Cifar100, DatasetCatalog.Find("cifar_100"));
        var e = Assert.Throws<ArgumentException>(() => DatasetCatalog.Find("imagenet"));
        Assert.Contains("FashionMNIST", e.Message);
        Assert.Equal(10, DatasetCatalog.FashionMnist.ClassNames.Count);
    }
}
