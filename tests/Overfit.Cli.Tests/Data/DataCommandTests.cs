using System.CommandLine;
using Overfit.Cli;
using Overfit.Cli.Commands;
using Overfit.Data.Sources;
using Overfit.Tests.Data;

namespace Overfit.Cli.Tests.Data;

/// <summary>Runs only where Debian's dataset-fashion-mnist is installed; skipped (with the reason) elsewhere.</summary>
public sealed class FashionMnistInstalledFactAttribute : FactAttribute
{
    public FashionMnistInstalledFactAttribute()
    {
        if (!File.Exists("/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz"))
            Skip = "the full Fashion-MNIST is not installed at /usr/share/datasets/fashion-mnist (apt-get install dataset-fashion-mnist)";
    }
}

// End-to-end runs of `overfit data ...` in process, with output captured through System.CommandLine's invocation configuration.
public class DataCommandTests : IDisposable
{
    private readonly string _temp = Path.Combine(Path.GetTempPath(), "overfit-cli-tests-" + Guid.NewGuid().ToString("N"));

    public DataCommandTests() => Directory.CreateDirectory(_temp);

    public void Dispose() => Directory.Delete(_temp, recursive: true);

    private static string FixtureDirectory => Path.Combine(AppContext.BaseDirectory, "fixtures", "fashion-mnist");

    /// <summary>The fixture's own checksums (tests/fixtures/fashion-mnist/README.md and tests/fixtures/reference/data/data_cut_fixture.py).</summary>
    private static DatasetInfo FixtureDataset => DatasetCatalog.FashionMnist with
    {
        Files =
        [
            new("train-images-idx3-ubyte.gz", "8d83a59c5e977953a258aab7853a4f5d", "7f9091a9289757d4759f4db021f25698"),
            new("train-labels-idx1-ubyte.gz", "e9183bba3c9e69ce78f4d79c3bc6d341", "286ec15c542ee97cbedb47658809cb4d"),
            new("t10k-images-idx3-ubyte.gz", "af0e4e74ebcd67cd2af4b43291d7a2ad", "4255ad7a7e77f5f027f05fd7644a6d38"),
            new("t10k-labels-idx1-ubyte.gz", "35c3ac31cb9e01e7100da93f3fc15cc4", "46aa1f456ad6a5c48b50f4f28b2cc651"),
        ],
    };

    private static (int Code, string Output, string Error) Run(Command command, params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var root = new RootCommand { command };
        int code = root.Parse(args).Invoke(new InvocationConfiguration { Output = output, Error = error });
        return (code, output.ToString(), error.ToString());
    }

    private DataLocator LocatorOver(params string[] systemRoots)
        => new(systemRoots.Select(r => new DataRoot(r, DataRootKind.System)).Append(new DataRoot(Path.Combine(_temp, "cache"), DataRootKind.UserCache)),
            Path.Combine(_temp, "cache"));

    [Fact]
    public void ListThroughTheRealCommandTreeNamesEveryDataset()
    {
        var output = new StringWriter();
        int code = Program.BuildRoot().Parse(["data", "list", "--data-dir", _temp]).Invoke(new InvocationConfiguration { Output = output, Error = new StringWriter() });
        Assert.Equal(0, code);
        foreach (var d in DatasetCatalog.All) Assert.Contains(d.Name, output.ToString());
        Assert.Contains(_temp, output.ToString());
    }

    [Fact]
    public void CheckPassesOnAVerifiedCopy()
    {
        string root = Path.Combine(_temp, "datasets");
        Directory.CreateDirectory(Path.Combine(root, "fashion-mnist"));
        foreach (string f in Directory.GetFiles(FixtureDirectory, "*.gz")) File.Copy(f, Path.Combine(root, "fashion-mnist", Path.GetFileName(f)));
        var (code, output, _) = Run(DataCommand.Create(LocatorOver(root), [FixtureDataset]), "data", "check", "FashionMNIST");
        Assert.Equal(0, code);
        Assert.Contains("present and verified", output);
        var list = Run(DataCommand.Create(LocatorOver(root), [FixtureDataset]), "data", "list");
        Assert.Contains($"found in {Path.Combine(root, "fashion-mnist")}", list.Output);
    }

    [Fact]
    public void CheckFailsOnACorruptedCopy()
    {
        string folder = Path.Combine(_temp, "datasets", "fashion-mnist");
        Directory.CreateDirectory(folder);
        foreach (string f in Directory.GetFiles(FixtureDirectory, "*.gz")) File.Copy(f, Path.Combine(folder, Path.GetFileName(f)));
        File.WriteAllBytes(Path.Combine(folder, "t10k-labels-idx1-ubyte.gz"), [0x1f, 0x8b, 1, 2, 3]);
        var (code, output, error) = Run(DataCommand.Create(LocatorOver(Path.Combine(_temp, "datasets")), [FixtureDataset]), "data", "check", "fashion-mnist");
        Assert.Equal(1, code);
        Assert.Contains("FAIL t10k-labels-idx1-ubyte.gz", output);
        Assert.Contains("failed verification", error);
    }

    [Fact]
    public void CheckOfAMissingDatasetListsEveryPlaceAndTheDebianPackage()
    {
        var (code, _, error) = Run(DataCommand.Create(LocatorOver(Path.Combine(_temp, "nowhere"))), "data", "check", "FashionMNIST");
        Assert.Equal(1, code);
        Assert.Contains(Path.Combine(_temp, "nowhere", "fashion-mnist"), error);
        Assert.Contains(Path.Combine(_temp, "cache", "fashion-mnist"), error);
        Assert.Contains("apt-get install dataset-fashion-mnist", error);
        var unknown = Run(DataCommand.Create(LocatorOver()), "data", "check", "imagenet");
        Assert.Equal(2, unknown.Code);
        Assert.Contains("unknown dataset", unknown.Error);
    }

    [Fact]
    public void DownloadFetchesFromALocalServerIntoTheCache()
    {
        using var server = new LocalHttpServer(FixtureDataset.Files.ToDictionary(f => f.Name, f => File.ReadAllBytes(Path.Combine(FixtureDirectory, f.Name))));
        var catalog = new[] { FixtureDataset with { BaseUrl = server.BaseUrl } };
        var (code, output, error) = Run(DataCommand.Create(LocatorOver(), catalog), "data", "download", "FashionMNIST");
        Assert.Equal(0, code);
        Assert.Contains(Path.Combine(_temp, "cache", "fashion-mnist"), output);
        Assert.Contains("train-images-idx3-ubyte.gz [", error);
        Assert.Equal(0, Run(DataCommand.Create(LocatorOver(), catalog), "data", "check", "FashionMNIST").Code);
    }

    [Fact]
    public void DownloadReplacesACorruptCachedCopyEvenWhenAGoodCopyExistsElsewhere()
    {
        using var server = new LocalHttpServer(FixtureDataset.Files.ToDictionary(f => f.Name, f => File.ReadAllBytes(Path.Combine(FixtureDirectory, f.Name))));
        var catalog = new[] { FixtureDataset with { BaseUrl = server.BaseUrl } };
        string system = Path.Combine(_temp, "system"), cache = Path.Combine(_temp, "cache", "fashion-mnist");
        foreach (var folder in new[] { Path.Combine(system, "fashion-mnist"), cache })
        {
            Directory.CreateDirectory(folder);
            foreach (string f in Directory.GetFiles(FixtureDirectory, "*.gz")) File.Copy(f, Path.Combine(folder, Path.GetFileName(f)));
        }
        string truncated = Path.Combine(cache, "t10k-images-idx3-ubyte.gz");
        File.WriteAllBytes(truncated, File.ReadAllBytes(truncated)[..64]);
        // The cache comes first in the lookup order, so its corrupt copy used to hide the good one and pass as present.
        var (code, output, error) = Run(DataCommand.Create(LocatorOver(system), catalog), "data", "download", "FashionMNIST");
        Assert.Equal(0, code);
        Assert.Contains($"warning: {cache}", error);
        Assert.Contains("corrupt copy skipped: t10k-images-idx3-ubyte.gz", error);
        Assert.Contains($"FashionMNIST is in {cache} (verified)", output);
        Assert.All(DatasetVerifier.Verify(FixtureDataset, cache), c => Assert.True(c.Ok, c.Detail));
    }

    [Fact]
    public void DownloadFailsWhenNoVerifiedCopyCanBeHad()
    {
        // A server that serves a truncated file: the download is rejected by md5 and nothing counts as present.
        var files = FixtureDataset.Files.ToDictionary(f => f.Name, f => File.ReadAllBytes(Path.Combine(FixtureDirectory, f.Name)));
        files["train-labels-idx1-ubyte.gz"] = files["train-labels-idx1-ubyte.gz"][..10];
        using var server = new LocalHttpServer(files);
        var catalog = new[] { FixtureDataset with { BaseUrl = server.BaseUrl } };
        var (code, _, error) = Run(DataCommand.Create(LocatorOver(), catalog), "data", "download", "FashionMNIST");
        Assert.NotEqual(0, code);
        Assert.Contains("md5", error);
    }

    [FashionMnistInstalledFact]
    public void CheckOfTheDebianPackageExitsZero()
    {
        var output = new StringWriter();
        int code = Program.BuildRoot().Parse(["data", "check", "FashionMNIST", "--data-dir", "/usr/share/datasets"])
            .Invoke(new InvocationConfiguration { Output = output, Error = new StringWriter() });
        Assert.Equal(0, code);
        Assert.Contains("present and verified", output.ToString());
    }
}
