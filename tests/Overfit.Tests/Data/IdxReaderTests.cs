using System.Buffers.Binary;
using System.IO.Compression;
using Overfit.Data.Readers;
using Overfit.Data.Sources;

namespace Overfit.Tests.Data;

public class IdxReaderTests
{
    [Fact]
    public void ReadsTheFashionMnistFixture()
    {
        IdxImages train = IdxReader.ReadImages(DataFixtures.FixtureFile("train-images-idx3-ubyte.gz"), expectedCount: 2000);
        byte[] labels = IdxReader.ReadLabels(DataFixtures.FixtureFile("train-labels-idx1-ubyte.gz"), expectedCount: 2000, classCount: 10);
        Assert.Equal((2000, 28, 28), (train.Count, train.Rows, train.Columns));
        Assert.Equal(2000 * 784, train.Pixels.Length);
        // The first Fashion-MNIST training labels (Ankle boot, T-shirt/top, T-shirt/top, Dress, T-shirt/top, Pullover).
        Assert.Equal(new byte[] { 9, 0, 0, 3, 0, 2 }, labels[..6]);
        Assert.All(labels, l => Assert.InRange(l, (byte)0, (byte)9));
        Assert.Equal(500, IdxReader.ReadImages(DataFixtures.FixtureFile("t10k-images-idx3-ubyte.gz")).Count);
        Assert.Contains(train.Pixels, p => p == 255);
    }

    [Fact]
    public void RawAndGzipGiveTheSameContent()
    {
        using var temp = DataFixtures.NewTempDirectory();
        byte[] content = IdxReader.ReadAllDecompressed(DataFixtures.FixtureFile("t10k-labels-idx1-ubyte.gz"));
        Assert.Equal("46aa1f456ad6a5c48b50f4f28b2cc651", DatasetVerifier.Md5Hex(content));
        File.WriteAllBytes(temp.File("labels"), content);
        Assert.Equal(IdxReader.ReadLabels(DataFixtures.FixtureFile("t10k-labels-idx1-ubyte.gz")), IdxReader.ReadLabels(temp.File("labels")));
    }

    private static byte[] LabelsFile(int magic, int count, int bytes)
    {
        var data = new byte[8 + bytes];
        BinaryPrimitives.WriteInt32BigEndian(data, magic);
        BinaryPrimitives.WriteInt32BigEndian(data.AsSpan(4), count);
        for (int i = 0; i < bytes; i++) data[8 + i] = (byte)(i % 10);
        return data;
    }

    private static byte[] ImagesFile(int count, int rows, int columns, int pixelBytes)
    {
        var data = new byte[16 + pixelBytes];
        BinaryPrimitives.WriteInt32BigEndian(data, IdxReader.ImagesMagic);
        BinaryPrimitives.WriteInt32BigEndian(data.AsSpan(4), count);
        BinaryPrimitives.WriteInt32BigEndian(data.AsSpan(8), rows);
        BinaryPrimitives.WriteInt32BigEndian(data.AsSpan(12), columns);
        return data;
    }

    [Fact]
    public void WrongMagicNamesFileAndBothNumbers()
    {
        using var temp = DataFixtures.NewTempDirectory();
        string path = temp.File("swapped");
        File.WriteAllBytes(path, LabelsFile(IdxReader.LabelsMagic, 3, 3));
        var e = Assert.Throws<InvalidDataException>(() => IdxReader.ReadImages(path));
        Assert.Contains(path, e.Message);
        Assert.Contains("wrong magic", e.Message);
        Assert.Contains("2051", e.Message);
        Assert.Contains("2049", e.Message);
    }

    [Fact]
    public void TruncatedTrailingAndCountMismatchAreReported()
    {
        using var temp = DataFixtures.NewTempDirectory();
        File.WriteAllBytes(temp.File("short"), ImagesFile(3, 2, 2, 11));
        var truncated = Assert.Throws<InvalidDataException>(() => IdxReader.ReadImages(temp.File("short")));
        Assert.Contains("truncated", truncated.Message);
        Assert.Contains(temp.File("short"), truncated.Message);

        File.WriteAllBytes(temp.File("long"), LabelsFile(IdxReader.LabelsMagic, 3, 5));
        Assert.Contains("2 trailing bytes", Assert.Throws<InvalidDataException>(() => IdxReader.ReadLabels(temp.File("long"))).Message);

        File.WriteAllBytes(temp.File("ok"), LabelsFile(IdxReader.LabelsMagic, 4, 4));
        var mismatch = Assert.Throws<InvalidDataException>(() => IdxReader.ReadLabels(temp.File("ok"), expectedCount: 5));
        Assert.Contains("count mismatch", mismatch.Message);
        Assert.Contains("expected 5", mismatch.Message);

        File.WriteAllBytes(temp.File("tiny"), [0, 0]);
        Assert.Contains("truncated", Assert.Throws<InvalidDataException>(() => IdxReader.ReadLabels(temp.File("tiny"))).Message);

        File.WriteAllBytes(temp.File("classes"), LabelsFile(IdxReader.LabelsMagic, 12, 12));
        Assert.Contains("label 9", Assert.Throws<InvalidDataException>(() => IdxReader.ReadLabels(temp.File("classes"), classCount: 9)).Message);
    }

    [Fact]
    public void CorruptGzipIsReportedWithTheFileName()
    {
        using var temp = DataFixtures.NewTempDirectory();
        byte[] gz = File.ReadAllBytes(DataFixtures.FixtureFile("t10k-images-idx3-ubyte.gz"));
        string cut = temp.File("cut.gz");
        File.WriteAllBytes(cut, gz[..(gz.Length / 2)]);
        var e = Assert.ThrowsAny<InvalidDataException>(() => IdxReader.ReadImages(cut));
        Assert.Contains(cut, e.Message);

        string garbled = temp.File("garbled.gz");
        byte[] bad = (byte[])gz.Clone();
        for (int i = 20; i < 200; i++) bad[i] ^= 0x5a;
        File.WriteAllBytes(garbled, bad);
        Assert.Contains(garbled, Assert.ThrowsAny<InvalidDataException>(() => IdxReader.ReadImages(garbled)).Message);
    }

    [Fact]
    public void MissingFileIsNamed()
    {
        var e = Assert.Throws<FileNotFoundException>(() => IdxReader.ReadLabels("/nonexistent/labels.gz"));
        Assert.Contains("/nonexistent/labels.gz", e.Message);
    }

    [Fact]
    public void GzipWrittenByDotNetReadsBack()
    {
        using var temp = DataFixtures.NewTempDirectory();
        byte[] raw = LabelsFile(IdxReader.LabelsMagic, 7, 7);
        using (var file = File.Create(temp.File("l.gz")))
        using (var gzip = new GZipStream(file, CompressionLevel.Fastest))
            gzip.Write(raw);
        Assert.Equal(new byte[] { 0, 1, 2, 3, 4, 5, 6 }, IdxReader.ReadLabels(temp.File("l.gz")));
    }
}
