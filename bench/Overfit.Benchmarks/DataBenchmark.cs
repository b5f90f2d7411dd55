using System.Diagnostics;
using System.Text.Json;
using Overfit.Data;
using Overfit.Data.Readers;
using Overfit.Data.Sources;
using Overfit.Data.Transforms;
using Overfit.Tensors;

namespace Overfit.Benchmarks;

/// <summary>
/// `data [--repeats N] [--batch B] [--json]`: how long reading Fashion-MNIST takes, and how long one epoch of
/// DataLoader batching takes for Fashion-MNIST-sized data (60,000 x 1x28x28) — bytes to Float32 [B,1,28,28],
/// flattened, with Normalize(0.5, 0.5), and from a Float32 TensorDataset — plus one CIFAR-sized augmented
/// epoch (50,000 x 3x32x32 with flip + rotation(10) + normalize). Uses Debian's Fashion-MNIST when installed,
/// random bytes of the same size otherwise (reported in "source"). Each figure is the median of the repeats.
/// </summary>
public static class DataBenchmark
{
    public static int Run(string[] args)
    {
        var o = BenchOptions.Parse(args, ["--repeats", "--batch"], ["--json"]);
        int repeats = o.Int("--repeats", 5, min: 1), batchSize = o.Int("--batch", 128, min: 1);
        bool json = o.Flag("--json");
        var rows = new List<Dictionary<string, object>>();

        string? debian = DataLocator.ResolveFile("/usr/share/datasets/fashion-mnist", DatasetCatalog.FashionMnist.Files[0]) is null ? null : "/usr/share/datasets/fashion-mnist";
        ImageDataset train;
        string source;
        if (debian is not null)
        {
            source = "fashion-mnist (Debian)";
            var (readMedian, readCpu) = Measure(repeats, () =>
            {
                var a = DatasetStore.LoadFrom(DatasetCatalog.FashionMnist, debian, train: true);
                var b = DatasetStore.LoadFrom(DatasetCatalog.FashionMnist, debian, train: false);
                return a.Count + b.Count;
            });
            rows.Add(Row("read_fashion_mnist_70000", source, ("seconds", readMedian), ("cpu_seconds", readCpu)));
            var (verifyMedian, verifyCpu) = Measure(Math.Min(repeats, 3), () => DatasetVerifier.Verify(DatasetCatalog.FashionMnist, debian).Count(c => c.Ok));
            rows.Add(Row("verify_md5_fashion_mnist", source, ("seconds", verifyMedian), ("cpu_seconds", verifyCpu)));
            train = DatasetStore.LoadFrom(DatasetCatalog.FashionMnist, debian, train: true);
        }
        else
        {
            source = "random bytes, Fashion-MNIST sized";
            train = RandomImages(60000, 1, 28, 28, seed: 1);
        }

        var cases = new (string Name, Func<DataLoader> Loader)[]
        {
            ("epoch_images_b" + batchSize, () => new DataLoader(train, batchSize, shuffle: true, seed: 1)),
            ("epoch_images_flat_b" + batchSize, () => new DataLoader(train, batchSize, shuffle: true, seed: 1, flatten: true)),
            ("epoch_images_normalize_b" + batchSize, () => new DataLoader(train, batchSize, shuffle: true, seed: 1, transform: new Normalize(0.5, 0.5), flatten: true)),
        };
        foreach (var (name, make) in cases) rows.Add(EpochRow(name, source, make(), repeats));

        Tensor preconverted = train.ToTensor(flatten: true);
        var tensorData = new TensorDataset(preconverted, train.Labels);
        rows.Add(EpochRow("epoch_tensor_dataset_b" + batchSize, source + ", Float32 [60000,784]", new DataLoader(tensorData, batchSize, shuffle: true, seed: 1), repeats));

        ImageDataset cifar = RandomImages(50000, 3, 32, 32, seed: 2);
        var augment = new Compose(new RandomHorizontalFlip(0.5, seed: 3), new RandomRotation(10, seed: 4), new Normalize([0.5, 0.5, 0.5], [0.5, 0.5, 0.5]));
        rows.Add(EpochRow("epoch_cifar_augment_b" + batchSize, "random bytes, CIFAR sized", new DataLoader(cifar, batchSize, shuffle: true, seed: 1, transform: augment), Math.Min(repeats, 3)));

        foreach (var row in rows)
        {
            if (json) Console.WriteLine(JsonSerializer.Serialize(row));
            else Console.WriteLine(string.Join("  ", row.Select(kv => $"{kv.Key}={kv.Value}")));
        }
        return 0;
    }

    private static Dictionary<string, object> EpochRow(string name, string source, DataLoader loader, int repeats)
    {
        var (median, cpu) = Measure(repeats, () =>
        {
            int seen = 0;
            foreach (Batch b in loader) seen += b.Count;
            return seen;
        });
        int samples = loader.Dataset.Count;
        return Row(name, source, ("ms_per_epoch", Math.Round(median * 1000, 2)), ("cpu_ms_per_epoch", Math.Round(cpu * 1000, 2)), ("batches", loader.BatchCount),
            ("us_per_batch", Math.Round(median * 1e6 / loader.BatchCount, 1)), ("samples_per_s", Math.Round(samples / median)));
    }

    private static Dictionary<string, object> Row(string name, string source, params (string Key, object Value)[] values)
    {
        var row = new Dictionary<string, object> { ["benchmark"] = "data", ["case"] = name, ["source"] = source };
        foreach (var (k, v) in values) row[k] = v is double d ? Math.Round(d, 4) : v;
        row["cores"] = Environment.ProcessorCount;
        return row;
    }

    /// <summary>
    /// Median wall-clock seconds and median process CPU seconds over <paramref name="repeats"/> runs after one
    /// warm-up run; CPU time is the steadier figure on a shared, loaded machine.
    /// </summary>
    private static (double Median, double CpuMedian) Measure(int repeats, Func<int> work)
    {
        int check = work();
        var times = new double[Math.Max(1, repeats)];
        var cpu = new double[times.Length];
        var process = Process.GetCurrentProcess();
        for (int i = 0; i < times.Length; i++)
        {
            GC.Collect();
            process.Refresh();
            TimeSpan cpuStart = process.TotalProcessorTime;
            var watch = Stopwatch.StartNew();
            check ^= work();
            times[i] = watch.Elapsed.TotalSeconds;
            process.Refresh();
            cpu[i] = (process.TotalProcessorTime - cpuStart).TotalSeconds;
        }
        GC.KeepAlive(check);
        Array.Sort(times);
        Array.Sort(cpu);
        return (times[times.Length / 2], cpu[cpu.Length / 2]);
    }

    private static ImageDataset RandomImages(int count, int channels, int height, int width, int seed)
    {
        var pixels = new byte[count * channels * height * width];
        new System.Random(seed).NextBytes(pixels);
        var labels = new int[count];
        for (int i = 0; i < count; i++) labels[i] = i % 10;
        return new ImageDataset(pixels, count, channels, height, width, labels, DatasetCatalog.FashionMnistClasses);
    }
}
