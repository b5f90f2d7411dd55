using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Overfit.Tensors;

namespace Overfit.Benchmarks;

/// <summary>
/// `ops`: elementwise and reduction kernels on 1M elements, Float32 and Float64, one thread.
/// Options: --json (one JSON line per case), --reps N (timed repetitions, median reported),
/// --torch (also runs bench/anchors/ops_torch.py with /usr/bin/python3 and fills torch_ms).
/// </summary>
public static class OpsBenchmark
{
    private const int N = 1 << 20;
    private const int Rows = 1024; // softmax and logsumexp run over the rows of a [1024, 1024] matrix

    private static readonly string[] Ops = ["add", "mul", "exp", "tanh", "sigmoid", "relu", "sum", "max", "softmax_rows", "logsumexp_rows"];

    public static int Run(string[] args)
    {
        bool json = args.Contains("--json");
        bool torch = args.Contains("--torch");
        int reps = 30;
        int ri = Array.IndexOf(args, "--reps");
        if (ri >= 0 && (ri + 1 >= args.Length || !int.TryParse(args[ri + 1], out reps) || reps < 1))
        {
            Console.Error.WriteLine("--reps needs a positive integer");
            return 2;
        }
        var torchMs = torch ? RunTorch(reps) : null;
        if (torch && torchMs is null) return 1;
        foreach (var dtype in new[] { DType.Float32, DType.Float64 })
        {
            var gen = new Generator(42);
            var x = Tensor.Randn([N], gen, dtype);
            var y = Tensor.Randn([N], gen, dtype);
            var m = x.Reshape(Rows, N / Rows);
            foreach (var op in Ops)
            {
                Func<Tensor> f = op switch
                {
                    "add" => () => x.Add(y),
                    "mul" => () => x.Mul(y),
                    "exp" => () => x.Exp(),
                    "tanh" => () => x.Tanh(),
                    "sigmoid" => () => x.Sigmoid(),
                    "relu" => () => x.Relu(),
                    "sum" => () => x.Sum(),
                    "max" => () => x.Max(),
                    "softmax_rows" => () => m.Softmax(1),
                    _ => () => m.LogSumExp(1),
                };
                int gen2Before = GC.CollectionCount(2);
                double ms = MedianMs(f, reps);
                double gen2PerCall = (GC.CollectionCount(2) - gen2Before) / (double)(reps + 5);
                string name = dtype.Name();
                double? t = torchMs is not null && torchMs.TryGetValue((op, name), out var v) ? v : null;
                if (json)
                    Console.WriteLine($"{{\"bench\":\"ops\",\"op\":\"{op}\",\"dtype\":\"{name}\",\"n\":{N},\"overfit_ms\":{Fmt(ms)},\"torch_ms\":{(t is double tv ? Fmt(tv) : "null")}}}");
                else
                    Console.WriteLine($"{op,-16} {name,-8} n={N}  overfit {ms,8:F3} ms  gen2 GCs/call {gen2PerCall,4:F2}" + (t is double tv2 ? $"  torch {tv2,8:F3} ms  ratio {tv2 / ms,5:F2}" : ""));
            }
        }
        return 0;
    }

    private static string Fmt(double v) => Math.Round(v, 4).ToString(CultureInfo.InvariantCulture);

    /// <summary>Median wall time of one call after warm-up (the result's allocation included, as in PyTorch).</summary>
    private static double MedianMs(Func<Tensor> f, int reps)
    {
        for (int i = 0; i < 5; i++) f();
        var times = new double[reps];
        for (int i = 0; i < reps; i++)
        {
            long t0 = Stopwatch.GetTimestamp();
            f();
            times[i] = Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
        }
        Array.Sort(times);
        return times[reps / 2];
    }

    /// <summary>Runs the PyTorch anchor (one thread, same cases) and reads its JSON lines.</summary>
    private static Dictionary<(string, string), double>? RunTorch(int reps)
    {
        var script = FindUp(Path.Combine("bench", "anchors", "ops_torch.py"));
        if (script is null)
        {
            Console.Error.WriteLine("--torch: bench/anchors/ops_torch.py not found above the current directory");
            return null;
        }
        var psi = new ProcessStartInfo("/usr/bin/python3", [script, "--reps", reps.ToString(CultureInfo.InvariantCulture)])
        {
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        using var p = Process.Start(psi)!;
        var result = new Dictionary<(string, string), double>();
        string? line;
        while ((line = p.StandardOutput.ReadLine()) is not null)
        {
            using var doc = JsonDocument.Parse(line);
            var r = doc.RootElement;
            result[(r.GetProperty("op").GetString()!, r.GetProperty("dtype").GetString()!)] = r.GetProperty("torch_ms").GetDouble();
        }
        p.WaitForExit();
        if (p.ExitCode != 0)
        {
            Console.Error.WriteLine($"--torch: {script} exited with code {p.ExitCode}");
            return null;
        }
        return result;
    }

    private static string? FindUp(string relative)
    {
        for (var dir = new DirectoryInfo(Directory.GetCurrentDirectory()); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, relative);
            if (File.Exists(candidate)) return candidate;
        }
        return null;
    }
}
