using System.Buffers.Binary;
using System.Diagnostics;
using System.Globalization;
using System.IO.Compression;
using Overfit.NN;
using Overfit.Optim;
using Overfit.Tensors;
using Overfit.Tensors.Kernels;

namespace Overfit.Benchmarks;

/// <summary>
/// `mlp`: trains the chapter's SimpleNetwork [256, 192, 128, 64] with ReLU, Adam(1e-3), batch 128, on
/// full Fashion-MNIST normalized as (x/255 − 0.5)/0.5, and prints one JSON line per epoch, the same
/// measurement as the PyTorch anchor (wall time of the training pass; test accuracy after it).
/// Options: --epochs N (10), --batch B (128), --threads T (all cores), --seed S (0), --limit N (first N
/// training images; for smoke runs), --data DIR, --save FILE (safetensors checkpoint at the end), --json,
/// --alternate (odd epochs on 1 GEMM thread, even epochs on T: both settings in one process and one time window),
/// --step-after-backward (ZeroGrad, Backward, then Step, instead of Optimizer.BackwardAndStep: the same numbers, bit
/// for bit), --alternate-step (odd epochs step after the backward, even epochs during it: both in one process),
/// --profile (per-phase breakdown of one training step instead; see <see cref="MlpStepProfile"/>).
/// </summary>
public static class MlpBenchmark
{
    public static int Run(string[] args)
    {
        var o = BenchOptions.Parse(args, ["--epochs", "--batch", "--threads", "--seed", "--limit", "--data", "--save"],
            ["--json", "--profile", "--alternate", "--alternate-step", "--step-after-backward"]);
        int epochs = o.Int("--epochs", 10, min: 1);
        int batch = o.Int("--batch", 128, min: 1);
        int threads = o.Int("--threads", Environment.ProcessorCount, min: 1);
        int seed = o.Int("--seed", 0, min: 0);
        int limit = o.Int("--limit", int.MaxValue, min: 1);
        string dir = o.String("--data") ?? "/usr/share/datasets/fashion-mnist/";
        string? save = o.String("--save");
        bool json = o.Flag("--json");
        Gemm.MaxThreads = threads;
        if (o.Flag("--profile")) return MlpStepProfile.Run(o, batch, threads);

        var (trainX, trainRows) = Images(Path.Combine(dir, "train-images-idx3-ubyte.gz"));
        var trainY = Labels(Path.Combine(dir, "train-labels-idx1-ubyte.gz"));
        var (testX, testRows) = Images(Path.Combine(dir, "t10k-images-idx3-ubyte.gz"));
        var testY = Labels(Path.Combine(dir, "t10k-labels-idx1-ubyte.gz"));
        trainRows = Math.Min(trainRows, limit);

        var gen = new Generator((ulong)seed);
        var model = new SimpleNetwork(new ReLU(), generator: gen);
        var opt = new Adam(model.Parameters(), lr: 1e-3);
        var loss = new CrossEntropyLoss();
        var batchX = new float[batch * 784];
        bool alternate = o.Flag("--alternate");
        bool alternateStep = o.Flag("--alternate-step");
        for (int epoch = 1; epoch <= epochs; epoch++)
        {
            // --alternate: odd epochs on one thread, even ones on T, to compare both in one process and one window.
            int epochThreads = alternate && epoch % 2 == 1 ? 1 : threads;
            bool stepAfter = o.Flag("--step-after-backward") || (alternateStep && epoch % 2 == 1);
            Gemm.MaxThreads = epochThreads;
            model.Train();
            var perm = gen.Permutation(trainRows);
            double total = 0;
            var clock = Stopwatch.StartNew();
            for (int start = 0; start < trainRows; start += batch)
            {
                int n = Math.Min(batch, trainRows - start);
                var labels = new int[n];
                for (int i = 0; i < n; i++) labels[i] = trainY[perm[start + i]];
                // The rows are scattered over the 188 MB set (memory-latency bound): each core gathers half.
                int half = n / 2, first = start;
                Gemm.Concurrently(() => GatherRows(trainX, perm, first, 0, half, batchX), () => GatherRows(trainX, perm, first, half, n, batchX));
                // The batch buffer is wrapped, not copied: the graph that reads it is released by Backward
                // before the next batch overwrites it.
                var x = n == batch ? Tensor.Wrap(batchX, [n, 784]) : Tensor.FromArray(batchX[..(n * 784)], [n, 784]);
                var l = loss.Forward(model.Forward(x), labels);
                total += l.Item() * n;
                if (stepAfter)
                {
                    // Zeroed in place (torch 1.13's zero_grad default), so backward accumulates into the same buffers.
                    opt.ZeroGrad(setToNone: false);
                    l.Backward();
                    opt.Step();
                }
                // The same zero_grad, backward and step, with each parameter updated as soon as its gradient is final
                // and the zeroing folded into the backward: bit-identical parameters.
                else opt.BackwardAndStep(l, zeroGrad: true);
            }
            double seconds = clock.Elapsed.TotalSeconds;
            double acc = TestAccuracy(model, testX, testY, testRows);
            string line = string.Create(CultureInfo.InvariantCulture,
                $"{{\"bench\":\"mlp\",\"epoch\":{epoch},\"epoch_s\":{seconds:F3},\"train_loss\":{total / trainRows:F4},\"test_acc\":{acc:F4},\"threads\":{epochThreads},\"step\":\"{(stepAfter ? "after" : "in_backward")}\"}}");
            Console.WriteLine(json ? line : line.Replace("\"", "", StringComparison.Ordinal));
        }
        if (save is not null) Checkpoint.Save(model, save, new Dictionary<string, string> { ["epochs"] = epochs.ToString(CultureInfo.InvariantCulture) });
        return 0;
    }

    /// <summary>Copies rows perm[start + from .. start + to) of the 784-wide set into rows from..to of the batch.</summary>
    internal static void GatherRows(float[] source, int[] perm, int start, int from, int to, float[] batch)
    {
        for (int i = from; i < to; i++) Array.Copy(source, perm[start + i] * 784, batch, i * 784, 784);
    }

    private static double TestAccuracy(Module model, float[] x, byte[] y, int rows)
    {
        model.Eval();
        int correct = 0;
        using (Overfit.Autograd.Autograd.NoGrad())
        {
            // One reused input buffer; the no-grad forward keeps no reference to it.
            var buffer = new float[Math.Min(1000, rows) * 784];
            for (int start = 0; start < rows; start += 1000)
            {
                int n = Math.Min(1000, rows - start);
                Array.Copy(x, start * 784, buffer, 0, n * 784);
                var input = n * 784 == buffer.Length ? Tensor.Wrap(buffer, [n, 784]) : Tensor.FromArray(buffer[..(n * 784)], [n, 784]);
                var logits = model.Forward(input);
                var pred = logits.ArgMax(1);
                for (int i = 0; i < n; i++) if (pred[i] == y[start + i]) correct++;
            }
        }
        return (double)correct / rows;
    }

    /// <summary>
    /// IDX images (magic 2051, big-endian count, rows, cols), normalized (x/255 − 0.5)/0.5. The pixels are
    /// converted while streaming out of the gzip file, so no decompressed byte copy of the set is ever held.
    /// </summary>
    private static (float[] Pixels, int Count) Images(string path)
    {
        using var gz = OpenGzip(path);
        Span<byte> header = stackalloc byte[16];
        gz.ReadExactly(header);
        if (BinaryPrimitives.ReadInt32BigEndian(header) != 2051) throw new InvalidDataException($"{path}: not an IDX image file (magic {BinaryPrimitives.ReadInt32BigEndian(header)}, expected 2051)");
        int count = BinaryPrimitives.ReadInt32BigEndian(header[4..]);
        int size = BinaryPrimitives.ReadInt32BigEndian(header[8..]) * BinaryPrimitives.ReadInt32BigEndian(header[12..]);
        if (size != 784) throw new InvalidDataException($"{path}: images of {size} pixels, expected 28x28 = 784");
        var pixels = new float[(long)count * size];
        var chunk = new byte[size * 256];
        for (int done = 0; done < pixels.Length;)
        {
            int n = Math.Min(chunk.Length, pixels.Length - done);
            gz.ReadExactly(chunk, 0, n);
            for (int i = 0; i < n; i++) pixels[done + i] = (chunk[i] / 255f - 0.5f) / 0.5f;
            done += n;
        }
        return (pixels, count);
    }

    private static byte[] Labels(string path)
    {
        using var gz = OpenGzip(path);
        Span<byte> header = stackalloc byte[8];
        gz.ReadExactly(header);
        if (BinaryPrimitives.ReadInt32BigEndian(header) != 2049) throw new InvalidDataException($"{path}: not an IDX label file (magic {BinaryPrimitives.ReadInt32BigEndian(header)}, expected 2049)");
        var labels = new byte[BinaryPrimitives.ReadInt32BigEndian(header[4..])];
        gz.ReadExactly(labels);
        return labels;
    }

    private static GZipStream OpenGzip(string path) => new(File.OpenRead(path), CompressionMode.Decompress);


}
