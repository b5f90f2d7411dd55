using Overfit.Data;
using Overfit.Data.Readers;
using Overfit.Data.Sources;

namespace Overfit.Tests.Data;

public class CifarReaderTests
{
    /// <summary>Records whose pixel bytes encode (record, channel, position) so the layout can be checked.</summary>
    internal static byte[] Cifar10Records(int count, int labelOffset = 0)
    {
        var data = new byte[count * CifarReader.Cifar10RecordBytes];
        for (int r = 0; r < count; r++)
        {
            int o = r * CifarReader.Cifar10RecordBytes;
            data[o] = (byte)((r + labelOffset) % 10);
            for (int p = 0; p < 3072; p++) data[o + 1 + p] = (byte)(r * 7 + p / 1024 * 50 + p % 13);
        }
        return data;
    }

    internal static byte[] Cifar100Records(int count)
    {
        var data = new byte[count * CifarReader.Cifar100RecordBytes];
        for (int r = 0; r < count; r++)
        {
            int o = r * CifarReader.Cifar100RecordBytes;
            data[o] = (byte)(r % 20);
            data[o + 1] = (byte)(r * 3 % 100);
            for (int p = 0; p < 3072; p++) data[o + 2 + p] = (byte)(r + p / 1024 * 80);
        }
        return data;
    }

    [Fact]
    public void ReadsCifar10BatchesInOrderWithChannelMajorPixels()
    {
        using var temp = DataFixtures.NewTempDirectory();
        File.WriteAllBytes(temp.File("a.bin"), Cifar10Records(3));
        File.WriteAllBytes(temp.File("b.bin"), Cifar10Records(2, labelOffset: 5));
        CifarRecords records = CifarReader.ReadCifar10([temp.File("a.bin"), temp.File("b.bin")], expectedCountPerFile: null);
        Assert.Equal(5, records.Count);
        Assert.Equal(new byte[] { 0, 1, 2, 5, 6 }, records.Labels);
        Assert.Null(records.CoarseLabels);
        // Record 1, green channel (bytes 1024..2047), position 5 of that plane.
        Assert.Equal(1 * 7 + 50 + (1024 + 5) % 13, records.Pixels[1 * 3072 + 1024 + 5]);
    }

    [Fact]
    public void ReadsCifar100FineAndCoarseLabels()
    {
        using var temp = DataFixtures.NewTempDirectory();
        File.WriteAllBytes(temp.File("train.bin"), Cifar100Records(4));
        CifarRecords records = CifarReader.ReadCifar100(temp.File("train.bin"), expectedCount: 4);
        Assert.Equal(new byte[] { 0, 3, 6, 9 }, records.Labels);
        Assert.Equal(new byte[] { 0, 1, 2, 3 }, records.CoarseLabels);
        Assert.Equal(3 + 160, records.Pixels[3 * 3072 + 2048]);
    }

    [Fact]
    public void BadFilesAreReportedWithNameAndReason()
    {
        using var temp = DataFixtures.NewTempDirectory();
        File.WriteAllBytes(temp.File("cut.bin"), Cifar10Records(2)[..5000]);
        var truncated = Assert.Throws<InvalidDataException>(() => CifarReader.ReadCifar10([temp.File("cut.bin")]));
        Assert.Contains(temp.File("cut.bin"), truncated.Message);
        Assert.Contains("not a whole number of 3073-byte records", truncated.Message);

        // A CIFAR-10 file read as CIFAR-100: 3 x 3073 bytes is not a multiple of 3074.
        File.WriteAllBytes(temp.File("ten.bin"), Cifar10Records(3));
        Assert.Contains("3074-byte records", Assert.Throws<InvalidDataException>(() => CifarReader.ReadCifar100(temp.File("ten.bin"))).Message);

        var count = Assert.Throws<InvalidDataException>(() => CifarReader.ReadCifar10([temp.File("ten.bin")], expectedCountPerFile: 10000));
        Assert.Contains("count mismatch", count.Message);
        Assert.Contains("expected 10000", count.Message);

        File.WriteAllBytes(temp.File("empty.bin"), []);
        Assert.Contains("empty", Assert.Throws<InvalidDataException>(() => CifarReader.ReadCifar100(temp.File("empty.bin"))).Message);

        byte[] badLabel = Cifar10Records(2);
        badLabel[CifarReader.Cifar10RecordBytes] = 10;
        File.WriteAllBytes(temp.File("label.bin"), badLabel);
        Assert.Contains("label 10 of record 1", Assert.Throws<InvalidDataException>(() => CifarReader.ReadCifar10([temp.File("label.bin")])).Message);

        File.WriteAllLines(temp.File("names.txt"), ["cat", "dog", ""]);
        Assert.Equal(new[] { "cat", "dog" }, CifarReader.ReadLabelNames(temp.File("names.txt")));
        Assert.Contains("expected 10 names, found 2", Assert.Throws<InvalidDataException>(() => CifarReader.ReadLabelNames(temp.File("names.txt"), 10)).Message);
        Assert.Equal("paths", Assert.Throws<ArgumentException>(() => CifarReader.ReadCifar10([])).ParamName);
    }

    [Fact]
    public void Cifar100FolderLoadsAsImageBatches()
    {
        using var temp = DataFixtures.NewTempDirectory();
        string folder = Path.Combine(temp.Path, "cifar-100-binary");
        Directory.CreateDirectory(folder);
        File.WriteAllBytes(Path.Combine(folder, "train.bin"), Cifar100Records(6));
        File.WriteAllBytes(Path.Combine(folder, "test.bin"), Cifar100Records(2));
        File.WriteAllLines(Path.Combine(folder, "fine_label_names.txt"), Enumerable.Range(0, 100).Select(i => $"fine{i}"));
        File.WriteAllLines(Path.Combine(folder, "coarse_label_names.txt"), Enumerable.Range(0, 20).Select(i => $"coarse{i}"));
        ImageDataset train = DatasetStore.LoadFrom(DatasetCatalog.Cifar100, temp.Path, train: true);
        Assert.Equal(6, train.Count);
        Assert.Equal(new[] { 3, 32, 32 }, train.SampleShape);
        Assert.Equal("fine3", train.ClassNames[train.Labels[1]]);
        Assert.Equal(new[] { 0, 1, 2, 3, 4, 5 }, train.CoarseLabels);
        Batch batch = train.GetBatch([5, 0]);
        Assert.Equal(new[] { 2, 3, 32, 32 }, batch.Inputs.Shape);
        Assert.Equal(new[] { 15, 0 }, batch.Labels);
        Assert.Equal((double)((5 + 80) / 255f), batch.Inputs[0, 1, 0, 0]);
        Assert.Equal(2, DatasetStore.LoadFrom(DatasetCatalog.Cifar100, temp.Path, train: false).Count);
    }
}

public class Cifar100FixtureTests
{
    [Fact]
    public void TheDataLocatorFindsAndVerifiesTheFixtureAndTheStoreLoadsIt()
    {
        // tests/fixtures is a data root holding cifar-100/cifar-100-binary/..., the layout of the extracted archive.
        var locator = DataLocator.CreateDefault(DataFixtures.FixturesRoot);
        var found = locator.Locate(DataFixtures.Cifar100Subset);
        Assert.True(found.Found, string.Join("; ", found.Attempts.Select(a => a.Detail)));
        Assert.Equal(Path.Combine(DataFixtures.FixturesRoot, "cifar-100"), found.Directory);
        var store = new DatasetStore(locator, allowDownload: false);
        ImageDataset train = store.Load(DataFixtures.Cifar100Subset, train: true), test = store.Load(DataFixtures.Cifar100Subset, train: false);
        Assert.Equal((200, 100), (train.Count, test.Count));
        Assert.Equal(new[] { 3, 32, 32 }, train.SampleShape);
        Assert.Equal(100, train.ClassNames.Count);
        Assert.Equal(Enumerable.Range(0, 200).Select(i => i % 100), train.Labels);
        Assert.Equal(train.Labels.Select(l => l / 5), train.CoarseLabels!);
        // The full dataset's sizes do not match the fixture: the locator skips it as corrupt instead of loading it.
        Assert.False(locator.Locate(DatasetCatalog.Cifar100).Found && locator.Locate(DatasetCatalog.Cifar100).Directory == found.Directory);
    }
}
