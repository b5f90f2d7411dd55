using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using Overfit.Tensors;

namespace Overfit.NN;

/// <summary>A model that can describe its construction settings (stored in checkpoint metadata).</summary>
public interface IHasConfiguration
{
    /// <summary>The construction settings as text pairs (e.g. "hidden" → "256,192,128,64").</summary>
    IReadOnlyDictionary<string, string> Configuration();
}

/// <summary>Tensors and text metadata read from a safetensors file.</summary>
public sealed record SafetensorsContent(Dictionary<string, Tensor> Tensors, Dictionary<string, string> Metadata);

/// <summary>
/// Checkpoints in the safetensors format, readable by PyTorch's safetensors package: an 8-byte
/// little-endian header length, a JSON header (per tensor: dtype F32/F64, shape, data_offsets into
/// the data section; "__metadata__": string pairs, here the model's configuration), then the raw
/// little-endian data. Files are written to a temporary name and renamed, so a crash never leaves a
/// half-written checkpoint under the final name.
/// </summary>
public static class Checkpoint
{
    /// <summary>Saves the model's state dict; its configuration (if it has one) and <paramref name="metadata"/> go into __metadata__.</summary>
    public static void Save(Module model, string path, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        var meta = new Dictionary<string, string>();
        if (model is IHasConfiguration configured) foreach (var (k, v) in configured.Configuration()) meta[k] = v;
        if (metadata is not null) foreach (var (k, v) in metadata) meta[k] = v;
        Write(model.StateDict(), path, meta);
    }

    /// <summary>Loads a checkpoint into <paramref name="model"/> (shape-checked: a mismatch names the key and both shapes); returns the metadata.</summary>
    public static Dictionary<string, string> Load(Module model, string path, bool strict = true)
    {
        ArgumentNullException.ThrowIfNull(model);
        var content = Read(path);
        model.LoadStateDict(content.Tensors, strict);
        return content.Metadata;
    }

    /// <summary>
    /// Writes named tensors (converted to contiguous little-endian F32/F64) atomically, and optionally named 1-D
    /// integer arrays as I64 tensors (class labels, indices: what PyTorch reads as int64).
    /// </summary>
    public static void Write(IReadOnlyDictionary<string, Tensor> tensors, string path, IReadOnlyDictionary<string, string>? metadata = null,
        IReadOnlyDictionary<string, long[]>? int64 = null)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        ArgumentException.ThrowIfNullOrEmpty(path);
        using var headerJson = new MemoryStream();
        long offset = 0;
        var ordered = tensors.ToList();
        using (var w = new Utf8JsonWriter(headerJson))
        {
            w.WriteStartObject();
            if (metadata is { Count: > 0 })
            {
                w.WriteStartObject("__metadata__");
                foreach (var (k, v) in metadata) w.WriteString(k, v);
                w.WriteEndObject();
            }
            foreach (var (name, values) in int64 ?? new Dictionary<string, long[]>())
            {
                if (name == "__metadata__" || tensors.ContainsKey(name)) throw new ArgumentException($"an int64 array may not be named {name}: the name is taken", nameof(int64));
                w.WriteStartObject(name);
                w.WriteString("dtype", "I64");
                w.WriteStartArray("shape");
                w.WriteNumberValue(values.Length);
                w.WriteEndArray();
                w.WriteStartArray("data_offsets");
                w.WriteNumberValue(offset);
                w.WriteNumberValue(offset + 8L * values.Length);
                w.WriteEndArray();
                w.WriteEndObject();
                offset += 8L * values.Length;
            }
            foreach (var (name, t) in ordered)
            {
                if (name == "__metadata__") throw new ArgumentException("a tensor may not be named __metadata__", nameof(tensors));
                long bytes = (long)t.Numel * (t.DType == DType.Float32 ? 4 : 8);
                w.WriteStartObject(name);
                w.WriteString("dtype", t.DType == DType.Float32 ? "F32" : "F64");
                w.WriteStartArray("shape");
                foreach (var d in t.Shape) w.WriteNumberValue(d);
                w.WriteEndArray();
                w.WriteStartArray("data_offsets");
                w.WriteNumberValue(offset);
                w.WriteNumberValue(offset + bytes);
                w.WriteEndArray();
                w.WriteEndObject();
                offset += bytes;
            }
            w.WriteEndObject();
        }
        var header = headerJson.ToArray().ToList();
        // Pad with spaces so the data section starts 8-byte aligned, as the reference writer does.
        while ((8 + header.Count) % 8 != 0) header.Add((byte)' ');

        string full = Path.GetFullPath(path);
        RemoveStaleTemporaries(full);
        string tmp = full + TemporarySuffix + Guid.NewGuid().ToString("N");
        try
        {
            using (var fs = new FileStream(tmp, FileMode.CreateNew, FileAccess.Write))
            {
                Span<byte> len = stackalloc byte[8];
                BinaryPrimitives.WriteUInt64LittleEndian(len, (ulong)header.Count);
                fs.Write(len);
                fs.Write(header.ToArray());
                foreach (var (_, values) in int64 ?? new Dictionary<string, long[]>()) WriteLittleEndian<long>(fs, values);
                foreach (var (_, t) in ordered)
                {
                    var c = t.Detach().Contiguous();
                    if (c.DType == DType.Float32) WriteLittleEndian<float>(fs, c.AsSpan<float>());
                    else WriteLittleEndian<double>(fs, c.AsSpan<double>());
                }
                fs.Flush(flushToDisk: true);
            }
            File.Move(tmp, full, overwrite: true);
        }
        finally
        {
            if (File.Exists(tmp)) File.Delete(tmp);
        }
    }

    private const string TemporarySuffix = ".tmp-";

    /// <summary>
    /// Deletes <c>target.tmp-*</c> files left by saves of the same target that were killed before their rename. A
    /// save in progress holds its temporary file open, and .NET's exclusive open fails on it, so only abandoned
    /// files go.
    /// </summary>
    private static void RemoveStaleTemporaries(string full)
    {
        string? directory = Path.GetDirectoryName(full);
        if (directory is null || !Directory.Exists(directory)) return;
        foreach (var stale in Directory.EnumerateFiles(directory, Path.GetFileName(full) + TemporarySuffix + "*"))
        {
            try
            {
                using (new FileStream(stale, FileMode.Open, FileAccess.ReadWrite, FileShare.None)) { }
                File.Delete(stale);
            }
            catch (IOException) { /* still being written by another save */ }
            catch (UnauthorizedAccessException) { /* not ours to remove */ }
        }
    }

    private static void WriteLittleEndian<T>(Stream s, ReadOnlySpan<T> data) where T : unmanaged
    {
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("safetensors writing needs a little-endian machine");
        s.Write(System.Runtime.InteropServices.MemoryMarshal.AsBytes(data));
    }

    /// <summary>Reads every tensor (F32, F64; I64 and I32 become Float64) and the metadata of a safetensors file.</summary>
    public static SafetensorsContent Read(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path)) throw new FileNotFoundException($"checkpoint file not found: {path}", path);
        var bytes = File.ReadAllBytes(path);
        if (bytes.Length < 8) throw new InvalidDataException($"{path}: {bytes.Length} bytes is too short for a safetensors file (needs an 8-byte header length)");
        ulong headerLen = BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        if (headerLen > (ulong)(bytes.Length - 8)) throw new InvalidDataException($"{path}: header length {headerLen} exceeds the file size {bytes.Length}");
        if (headerLen == 0) throw new InvalidDataException($"{path}: header length is 0; expected a JSON header after the 8-byte length");
        int dataStart = 8 + (int)headerLen;
        JsonDocument doc;
        try { doc = JsonDocument.Parse(bytes.AsMemory(8, (int)headerLen)); }
        catch (JsonException ex) { throw new InvalidDataException($"{path}: the {headerLen}-byte header is not valid JSON ({ex.Message})", ex); }
        using var _ = doc;
        if (doc.RootElement.ValueKind != JsonValueKind.Object)
            throw new InvalidDataException($"{path}: the header must be a JSON object, got {doc.RootElement.ValueKind}");
        var tensors = new Dictionary<string, Tensor>();
        var metadata = new Dictionary<string, string>();
        foreach (var prop in doc.RootElement.EnumerateObject())
        {
            if (prop.Name == "__metadata__")
            {
                if (prop.Value.ValueKind != JsonValueKind.Object) throw new InvalidDataException($"{path}: __metadata__ must be an object of strings, got {prop.Value.ValueKind}");
                foreach (var m in prop.Value.EnumerateObject())
                    metadata[m.Name] = m.Value.ValueKind == JsonValueKind.String ? m.Value.GetString() ?? ""
                        : throw new InvalidDataException($"{path}: __metadata__ entry '{m.Name}' must be a string, got {m.Value.ValueKind}");
                continue;
            }
            var entry = prop.Value;
            string dtype = HeaderField(entry, "dtype", JsonValueKind.String, path, prop.Name).GetString() ?? "";
            var shape = HeaderNumbers(HeaderField(entry, "shape", JsonValueKind.Array, path, prop.Name), path, prop.Name, "shape");
            var offsets = HeaderNumbers(HeaderField(entry, "data_offsets", JsonValueKind.Array, path, prop.Name), path, prop.Name, "data_offsets");
            if (shape.Any(dim => dim < 0 || dim > int.MaxValue))
                throw new InvalidDataException($"{path}: tensor '{prop.Name}' has shape [{string.Join(", ", shape)}]; expected sizes between 0 and {int.MaxValue}");
            long numelLong = 1;
            foreach (long dim in shape) numelLong = Math.Min(numelLong * dim, int.MaxValue + 1L); // both factors ≤ 2³¹: no overflow
            if (numelLong > int.MaxValue)
                throw new InvalidDataException($"{path}: tensor '{prop.Name}' has shape [{string.Join(", ", shape)}], more than {int.MaxValue} elements");
            int numel = (int)numelLong;
            int size = dtype switch
            {
                "F32" or "I32" => 4,
                "F64" or "I64" => 8,
                _ => throw new InvalidDataException($"{path}: tensor '{prop.Name}' has dtype {dtype}; supported are F32, F64, I32 and I64"),
            };
            if (offsets.Length != 2 || offsets[0] < 0 || offsets[1] - offsets[0] != (long)numel * size || dataStart + offsets[1] > bytes.Length)
                throw new InvalidDataException($"{path}: tensor '{prop.Name}' has data_offsets [{string.Join(", ", offsets)}] that do not fit shape [{string.Join(", ", shape)}] of {dtype} within the file");
            var dims = shape.Select(dim => (int)dim).ToArray();
            var raw = bytes.AsSpan(dataStart + (int)offsets[0], numel * size);
            tensors[prop.Name] = dtype switch
            {
                "F32" => Tensor.FromArray(ReadAll<float>(raw, BinaryPrimitives.ReadSingleLittleEndian, 4), dims),
                "F64" => Tensor.FromArray(ReadAll<double>(raw, BinaryPrimitives.ReadDoubleLittleEndian, 8), dims),
                "I64" => Tensor.FromArray(ReadAll<double>(raw, s => BinaryPrimitives.ReadInt64LittleEndian(s), 8), dims),
                _ => Tensor.FromArray(ReadAll<double>(raw, s => BinaryPrimitives.ReadInt32LittleEndian(s), 4), dims),
            };
        }
        return new SafetensorsContent(tensors, metadata);
    }

    private static JsonElement HeaderField(JsonElement entry, string key, JsonValueKind kind, string path, string tensor)
    {
        if (entry.ValueKind != JsonValueKind.Object)
            throw new InvalidDataException($"{path}: tensor '{tensor}' must be a JSON object with dtype, shape and data_offsets, got {entry.ValueKind}");
        if (!entry.TryGetProperty(key, out var value))
            throw new InvalidDataException($"{path}: tensor '{tensor}' has no \"{key}\" entry in the header");
        if (value.ValueKind != kind)
            throw new InvalidDataException($"{path}: tensor '{tensor}' has \"{key}\" of kind {value.ValueKind}; expected {kind}");
        return value;
    }

    private static long[] HeaderNumbers(JsonElement array, string path, string tensor, string key) =>
        array.EnumerateArray().Select(e => e.ValueKind == JsonValueKind.Number && e.TryGetInt64(out long v) ? v
            : throw new InvalidDataException($"{path}: tensor '{tensor}' has a non-integer entry {e.GetRawText()} in \"{key}\"")).ToArray();

    private delegate T SpanReader<T>(ReadOnlySpan<byte> s);

    private static T[] ReadAll<T>(ReadOnlySpan<byte> raw, SpanReader<T> read, int size)
    {
        var result = new T[raw.Length / size];
        for (int i = 0; i < result.Length; i++) result[i] = read(raw.Slice(i * size, size));
        return result;
    }
}
