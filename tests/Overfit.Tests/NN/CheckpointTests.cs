using System.Buffers.Binary;
using System.Text.Json;
using Overfit.NN;
using Overfit.Tensors;

namespace Overfit.Tests.NN;

public sealed class CheckpointTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "overfit-ckpt-" + Guid.NewGuid().ToString("N"));

    public CheckpointTests() => Directory.CreateDirectory(_dir);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void ReadsAFileWrittenByPythonWithJsonAndStruct()
    {
        // tests/fixtures/nn/python_written.safetensors comes from tests/fixtures/reference/nn/nn_safetensors.py (json + struct only).
        var content = Checkpoint.Read(Path.Combine(AppContext.BaseDirectory, "fixtures", "nn", "python_written.safetensors"));
        Assert.Equal("python-fixture", content.Metadata["model"]);
        var w = content.Tensors["layers.0.weight"];
        Assert.Equal(DType.Float32, w.DType);
        Assert.Equal([2, 3], w.Shape);
        Assert.Equal(new float[] { 0.5f, -1.25f, 2.0f, 3.5f, -0.125f, 1e-3f }, w.ToFloatArray());
        Assert.Equal(new float[] { 0.25f, -0.75f }, content.Tensors["layers.0.bias"].ToFloatArray());
        var w2 = content.Tensors["layers.2.weight"];
        Assert.Equal(DType.Float64, w2.DType);
        Assert.Equal(new[] { 1.0 / 3.0, -2.5e10 }, w2.ToDoubleArray());
        Assert.Equal(7.0, content.Tensors["num_batches_tracked"].Item());
        Assert.Empty(content.Tensors["num_batches_tracked"].Shape);
    }

    [Fact]
    public void WritesAFileWhoseHeaderAndDataParseByHand()
    {
        // The same parse the Python check does (tests/fixtures/reference/nn/nn_safetensors.py check FILE): length, JSON, offsets, raw data.
        var net = new SimpleNetwork(new ReLU(), inputSize: 6, numLabels: 2, hidden: [3], generator: new Generator(2));
        string path = Path.Combine(_dir, "net.safetensors");
        Checkpoint.Save(net, path, new Dictionary<string, string> { ["epochs"] = "3" });
        var bytes = File.ReadAllBytes(path);
        ulong n = BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        Assert.Equal(0, (int)((8 + n) % 8));
        using var doc = JsonDocument.Parse(bytes.AsMemory(8, (int)n));
        var root = doc.RootElement;
        var meta = root.GetProperty("__metadata__");
        Assert.Equal("SimpleNetwork", meta.GetProperty("model").GetString());
        Assert.Equal("3", meta.GetProperty("hidden").GetString());
        Assert.Equal("ReLU", meta.GetProperty("activation").GetString());
        Assert.Equal("3", meta.GetProperty("epochs").GetString());
        var entry = root.GetProperty("layers.0.weight");
        Assert.Equal("F32", entry.GetProperty("dtype").GetString());
        Assert.Equal([3, 6], entry.GetProperty("shape").EnumerateArray().Select(e => e.GetInt32()).ToArray());
        var off = entry.GetProperty("data_offsets").EnumerateArray().Select(e => e.GetInt32()).ToArray();
        Assert.Equal(3 * 6 * 4, off[1] - off[0]);
        int start = 8 + (int)n + off[0];
        var values = Enumerable.Range(0, 18).Select(i => BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(start + 4 * i))).ToArray();
        Assert.Equal(net.StateDict()["layers.0.weight"].ToFloatArray(), values);
        Assert.Empty(Directory.GetFiles(_dir, "*.tmp-*"));
    }

    [Fact]
    public void SaveThenLoad_RestoresEveryTensor_IncludingBuffers()
    {
        var a = new Sequential(new Linear(4, 3, generator: new Generator(1)), new BatchNorm1d(3), new Linear(3, 2, generator: new Generator(2)));
        a.Forward(Tensor.Randn([5, 4], new Generator(3)));
        string path = Path.Combine(_dir, "a.safetensors");
        Checkpoint.Save(a, path);
        var b = new Sequential(new Linear(4, 3, generator: new Generator(7)), new BatchNorm1d(3), new Linear(3, 2, generator: new Generator(8)));
        Checkpoint.Load(b, path);
        foreach (var (k, v) in a.StateDict()) Assert.Equal(v.ToDoubleArray(), b.StateDict()[k].ToDoubleArray());
        Checkpoint.Save(b, path); // overwrites atomically
        Assert.Equal(a.StateDict().Count, Checkpoint.Read(path).Tensors.Count);
    }

    [Fact]
    public void LoadingIntoAModelOfAnotherShape_NamesTheKey()
    {
        string path = Path.Combine(_dir, "small.safetensors");
        Checkpoint.Save(new SimpleNetwork(new ReLU(), inputSize: 6, hidden: [3]), path);
        var ex = Assert.Throws<ArgumentException>(() => Checkpoint.Load(new SimpleNetwork(new ReLU(), inputSize: 6, hidden: [4]), path));
        Assert.Contains("layers.0.weight", ex.Message);
        Assert.Contains("[3, 6]", ex.Message);
        Assert.Contains("[4, 6]", ex.Message);
    }

    [Fact]
    public void CorruptFiles_AreRejectedWithAReason()
    {
        string path = Path.Combine(_dir, "bad.safetensors");
        File.WriteAllBytes(path, [1, 2, 3]);
        Assert.Contains("too short", Assert.Throws<InvalidDataException>(() => Checkpoint.Read(path)).Message);
        var header = System.Text.Encoding.UTF8.GetBytes("{\"x\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]}}");
        var bytes = new byte[8 + header.Length + 8];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, (ulong)header.Length);
        header.CopyTo(bytes, 8);
        File.WriteAllBytes(path, bytes);
        Assert.Contains("'x'", Assert.Throws<InvalidDataException>(() => Checkpoint.Read(path)).Message);
        Assert.Throws<FileNotFoundException>(() => Checkpoint.Read(Path.Combine(_dir, "missing.safetensors")));
    }

    private string WriteHeader(string name, string headerJson, int dataBytes = 0)
    {
        string path = Path.Combine(_dir, name);
        var header = System.Text.Encoding.UTF8.GetBytes(headerJson);
        var bytes = new byte[8 + header.Length + dataBytes];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, (ulong)header.Length);
        header.CopyTo(bytes, 8);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    [Theory]
    [InlineData("{\"x\":{\"dtype\":\"F32\",", "not valid JSON")]                                     // truncated header
    [InlineData("", "header length is 0")]                                                             // zero header length
    [InlineData("{\"x\":{\"dtype\":\"F32\",\"data_offsets\":[0,16]}}", "no \"shape\" entry")]         // missing key
    [InlineData("{\"x\":{\"dtype\":\"F32\",\"shape\":\"4\",\"data_offsets\":[0,16]}}", "\"shape\" of kind String")]
    [InlineData("{\"x\":{\"dtype\":\"F32\",\"shape\":[-4],\"data_offsets\":[0,16]}}", "shape [-4]")]
    [InlineData("[1, 2]", "must be a JSON object")]
    public void BrokenHeaders_AreInvalidDataNamingTheFile(string headerJson, string reason)
    {
        // These surfaced as raw JsonReaderException / KeyNotFoundException without the file's path.
        string path = WriteHeader("broken.safetensors", headerJson, dataBytes: 16);
        var error = Assert.Throws<InvalidDataException>(() => Checkpoint.Read(path));
        Assert.Contains(path, error.Message);
        Assert.Contains(reason, error.Message);
    }

    [Fact]
    public void Save_RemovesTemporaryFilesLeftByAKilledSaveOfTheSameTarget()
    {
        var net = new SimpleNetwork(new ReLU(), inputSize: 4, numLabels: 2, hidden: [3], generator: new Generator(1));
        string path = Path.Combine(_dir, "net.safetensors");
        // What kill -9 during a save leaves behind: a half-written temporary next to the target (and one of another target).
        string stale = path + ".tmp-" + Guid.NewGuid().ToString("N");
        File.WriteAllBytes(stale, new byte[1024]);
        string other = Path.Combine(_dir, "other.safetensors.tmp-" + Guid.NewGuid().ToString("N"));
        File.WriteAllBytes(other, new byte[16]);
        // A save in progress holds its temporary open; it must survive.
        string busy = path + ".tmp-" + Guid.NewGuid().ToString("N");
        using (var writer = new FileStream(busy, FileMode.CreateNew, FileAccess.Write, FileShare.Read))
        {
            Checkpoint.Save(net, path);
            Assert.True(File.Exists(busy));
        }
        Assert.False(File.Exists(stale));
        Assert.True(File.Exists(other));
        Assert.Equal(new[] { "net.safetensors", Path.GetFileName(busy), Path.GetFileName(other) },
            Directory.GetFiles(_dir).Select(f => Path.GetFileName(f)).Order(StringComparer.Ordinal).ToArray());
        Assert.Equal(net.StateDict().Count, Checkpoint.Read(path).Tensors.Count);
    }
}
