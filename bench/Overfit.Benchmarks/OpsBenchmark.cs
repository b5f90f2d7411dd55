using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Overfit.Autograd;
using Overfit.Tensors;
using Overfit.Tensors.Kernels;

namespace Overfit.Benchmarks;

/// <summary>
/// `ops`: elementwise, reduction and softmax kernels on 1M elements, Float32 and Float64, on 1 and 2 threads,
/// plus the backward pass of relu, sigmoid, softmax and GELU. Each call's result is disposed, as PyTorch frees it when
/// the last reference goes, so the storage pool serves the next call. Per case: median time, bytes allocated and
/// gen0/gen2 collections per call.
/// Options: --json (one JSON line per case), --reps N (timed repetitions, median reported),
/// --threads 1,2 (thread counts), --torch (also runs bench/anchors/ops_torch.py with /usr/bin/python3 at the same
/// thread counts: with OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE unset, and with OPENBLAS_CORETYPE=SkylakeX, where an
/// OpenBLAS that misreads the machine picks its AVX-512 kernels; torch_ms is the faster setting's median, and
/// torch_unset_ms / torch_skylakex_ms give both), --passes N (1-100; whole passes, alternating with the anchor's, which
/// switches OpenBLAS setting each pass; each side reports per case its best median over its passes; default 2 with
/// --torch, the least that runs both settings, else 1), --ops a,b (only these cases, e.g. exp,gelu).
/// </summary>
public static class OpsBenchmark
{
    private const int N = 1 << 20;
    private const int Rows = 1024; // softmax and logsumexp run over the rows of a [1024, 1024] matrix

    private static readonly string[] Ops = ["add", "mul", "add_row", "mul_col", "exp", "tanh", "sigmoid", "relu", "softplus", "gelu",
        "sum", "max", "sum_rows", "softmax_rows", "log_softmax_rows", "logsumexp_rows", "relu_backward", "sigmoid_backward", "softmax_backward", "gelu_backward"];

    public static int Run(string[] args)
    {
        var o = BenchOptions.Parse(args, ["--reps", "--threads", "--ops", "--passes"], ["--json", "--torch"]);
        bool json = o.Flag("--json");
        bool torch = o.Flag("--torch");
        int reps = o.Int("--reps", 30, min: 1);
        int[] threadCounts = [1, 2];
        if (o.String("--threads") is { } threadList)
        {
            threadCounts = threadList.Split(',').Select(s => int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out int t) ? t : 0).ToArray();
            if (threadCounts.Any(t => t < 1))
                throw new BenchOptionException($"--threads expects a comma-separated list of positive whole numbers, e.g. 1,2, got '{threadList}'");
        }
        string[] ops = Ops;
        if (o.String("--ops") is { } opList)
        {
            ops = opList.Split(',');
            if (ops.Any(op => !Ops.Contains(op)))
                throw new BenchOptionException($"--ops expects a comma-separated list of cases from {string.Join(",", Ops)}, got '{opList}'");
        }
        int passes = o.Int("--passes", torch ? 2 : 1, min: 1, max: 100);
        if (torch && passes < 2)
            throw new BenchOptionException($"--passes expects at least 2 with --torch (the anchor runs once per OpenBLAS setting, alternating), got {passes}");
        var ours = new Dictionary<(string, string, int), (double Ms, double MinMs, long Bytes, double Gen0, double Gen2)>();
        Dictionary<(string, string, int), (double Median, double Min)>? torchUnset = torch ? [] : null, torchSkylakeX = torch ? [] : null;
        int savedThreads = Gemm.MaxThreads;
        try
        {
            // Whole passes alternate with the anchor's (one OpenBLAS setting per pass), and each side keeps, per case, its
            // best median over the passes: on this host two threads now and then run at about the speed of one for a
            // minute or more, and a single pass of either side may fall into such a minute.
            for (int pass = 0; pass < passes; pass++)
            {
                if (torch)
                {
                    var anchor = RunTorch(reps, threadCounts, ops, coreType: pass % 2 == 0 ? null : "SkylakeX");
                    if (anchor is null) return 1;
                    foreach (var (key, value) in anchor)
                        KeepBest(pass % 2 == 0 ? torchUnset! : torchSkylakeX!, key, value, (a, b) => a.Median <= b.Median ? a : b);
                }
                foreach (int threads in threadCounts)
                {
                    Gemm.MaxThreads = threads;
                    foreach (var dtype in new[] { DType.Float32, DType.Float64 })
                        foreach (var op in ops)
                            KeepBest(ours, (op, dtype.Name(), threads), Measure(op, dtype, reps),
                                (a, b) => (Math.Min(a.Ms, b.Ms), Math.Min(a.MinMs, b.MinMs), Math.Max(a.Bytes, b.Bytes), Math.Max(a.Gen0, b.Gen0), Math.Max(a.Gen2, b.Gen2)));
                }
            }
        }
        finally { Gemm.MaxThreads = savedThreads; }
        // The anchor at its best: per case, the faster of the two settings.
        var torchMs = torchUnset?.ToDictionary(e => e.Key, e => torchSkylakeX!.TryGetValue(e.Key, out var sx) && sx.Median < e.Value.Median ? sx : e.Value);
        foreach (int threads in threadCounts)
            foreach (var dtype in new[] { DType.Float32, DType.Float64 })
                foreach (var op in ops)
                {
                    string name = dtype.Name();
                    var (ms, minMs, bytes, gen0, gen2) = ours[(op, name, threads)];
                    (double Median, double Min)? anchor = torchMs is not null && torchMs.TryGetValue((op, name, threads), out var v) ? v : null;
                    double? t = anchor?.Median;
                    string unset = torchUnset is not null && torchUnset.TryGetValue((op, name, threads), out var u) ? Fmt(u.Median) : "null";
                    string skylakeX = torchSkylakeX is not null && torchSkylakeX.TryGetValue((op, name, threads), out var sx) ? Fmt(sx.Median) : "null";
                    if (json)
                        Console.WriteLine($"{{\"bench\":\"ops\",\"op\":\"{op}\",\"dtype\":\"{name}\",\"threads\":{threads},\"n\":{N},\"passes\":{passes},\"overfit_ms\":{Fmt(ms)},\"overfit_min_ms\":{Fmt(minMs)},\"torch_ms\":{(t is double tv ? Fmt(tv) : "null")},\"torch_min_ms\":{(anchor is { } a ? Fmt(a.Min) : "null")},\"torch_unset_ms\":{unset},\"torch_skylakex_ms\":{skylakeX},\"ratio\":{(t is double tr ? Fmt(ms / tr) : "null")},\"alloc_bytes_per_call\":{bytes},\"gen0_per_call\":{Fmt(gen0)},\"gen2_per_call\":{Fmt(gen2)}}}");
                    else
                        Console.WriteLine($"{op,-18} {name,-8} threads={threads}  overfit {ms,8:F3} ms  alloc {bytes,8} B/call  gen0 {gen0,5:F2} gen2 {gen2,5:F2}/call"
                            + (t is double tv2 ? $"  torch {tv2,8:F3} ms  overfit/torch {ms / tv2,5:F2}" : ""));
                }
        return 0;
    }

    /// <summary>Stores value under key, or the better of it and the value already there.</summary>
    private static void KeepBest<TKey, TValue>(Dictionary<TKey, TValue> best, TKey key, TValue value, Func<TValue, TValue, TValue> better) where TKey : notnull
        => best[key] = best.TryGetValue(key, out var old) ? better(old, value) : value;

    /// <summary>Median time, bytes allocated per call and collections per call of one case.</summary>
    private static (double Ms, double MinMs, long Bytes, double Gen0, double Gen2) Measure(string op, DType dtype, int reps)
    {
        var gen = new Generator(42);
        using var x = Tensor.Randn([N], gen, dtype);
        using var y = Tensor.Randn([N], gen, dtype);
        using var bias = Tensor.Randn([N / Rows], gen, dtype);
        using var column = Tensor.Randn([Rows, 1], gen, dtype);
        var m = x.Reshape(Rows, N / Rows);
        var my = y.Reshape(Rows, N / Rows);
        Func<Tensor> f = op switch
        {
            "add" => () => x.Add(y),
            "mul" => () => x.Mul(y),
            "add_row" => () => m.Add(bias),
            "mul_col" => () => m.Mul(column),
            "exp" => () => x.Exp(),
            "tanh" => () => x.Tanh(),
            "sigmoid" => () => x.Sigmoid(),
            "relu" => () => x.Relu(),
            "softplus" => () => x.Softplus(),
            "gelu" => () => x.Gelu(),
            "sum" => () => x.Sum(),
            "max" => () => x.Max(),
            "sum_rows" => () => m.Sum(1),
            "softmax_rows" => () => m.Softmax(1),
            "log_softmax_rows" => () => m.LogSoftmax(1),
            "logsumexp_rows" => () => m.LogSumExp(1),
            "relu_backward" => Backward(m, my, t => t.Relu()),
            "sigmoid_backward" => Backward(m, my, t => t.Sigmoid()),
            "gelu_backward" => Backward(m, my, t => t.Gelu()),
            _ => Backward(m, my, t => t.Softmax(1)),
        };
        return MedianMs(f, reps);
    }

    /// <summary>The gradient of op(x)·g with respect to x through a graph kept across calls (torch.autograd.grad with retain_graph).</summary>
    private static Func<Tensor> Backward(Tensor m, Tensor g, Func<Tensor, Tensor> op)
    {
        var leaf = m.Detach().Clone();
        leaf.RequiresGrad = true;
        var output = op(leaf);
        return () => Autograd.Autograd.Gradient(output, [leaf], g, retainGraph: true)[0];
    }

    private static string Fmt(double v) => Math.Round(v, 4).ToString(CultureInfo.InvariantCulture);

    /// <summary>
    /// Median (and minimum, which a loaded machine disturbs less) wall time of one call after 300 ms of warm-up; the result is
    /// disposed after each call (as PyTorch frees it).
    /// </summary>
    private static (double Ms, double MinMs, long Bytes, double Gen0, double Gen2) MedianMs(Func<Tensor> f, int reps)
    {
        // Warm up by time, not by count: the JIT recompiles hot methods (and replaces the precompiled library
        // code, built for a baseline instruction set) only after a delay, which a few calls never reach.
        GemmBenchmark.Calibrate(() => f().Dispose(), warmMs: 300);
        var times = new double[reps];
        int gen0 = GC.CollectionCount(0), gen2 = GC.CollectionCount(2);
        long bytes = GC.GetTotalAllocatedBytes(precise: true);
        for (int i = 0; i < reps; i++)
        {
            long t0 = Stopwatch.GetTimestamp();
            f().Dispose();
            times[i] = Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
        }
        bytes = GC.GetTotalAllocatedBytes(precise: true) - bytes;
        Array.Sort(times);
        return (times[reps / 2], times[0], bytes / reps, (GC.CollectionCount(0) - gen0) / (double)reps, (GC.CollectionCount(2) - gen2) / (double)reps);
    }

    /// <summary>
    /// Runs the PyTorch anchor (same cases, at each thread count) and reads its JSON lines; OPENBLAS_L2_SIZE is unset,
    /// and OPENBLAS_CORETYPE is unset or <paramref name="coreType"/>.
    /// </summary>
    private static Dictionary<(string, string, int), (double Median, double Min)>? RunTorch(int reps, int[] threadCounts, string[] ops, string? coreType)
    {
        var script = FindUp(Path.Combine("bench", "anchors", "ops_torch.py"));
        if (script is null)
        {
            Console.Error.WriteLine("--torch: bench/anchors/ops_torch.py not found above the current directory");
            return null;
        }
        var psi = new ProcessStartInfo("/usr/bin/python3", [script, "--reps", reps.ToString(CultureInfo.InvariantCulture),
            "--threads", string.Join(",", threadCounts), "--ops", string.Join(",", ops)])
        {
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        psi.Environment.Remove("OPENBLAS_CORETYPE");
        psi.Environment.Remove("OPENBLAS_L2_SIZE");
        if (coreType is not null) psi.Environment["OPENBLAS_CORETYPE"] = coreType;
        using var p = Process.Start(psi)!;
        var result = new Dictionary<(string, string, int), (double Median, double Min)>();
        string? line;
        while ((line = p.StandardOutput.ReadLine()) is not null)
        {
            using var doc = JsonDocument.Parse(line);
            var r = doc.RootElement;
            result[(r.GetProperty("op").GetString()!, r.GetProperty("dtype").GetString()!, r.GetProperty("threads").GetInt32())] = (r.GetProperty("torch_ms").GetDouble(), r.GetProperty("torch_min_ms").GetDouble());
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
