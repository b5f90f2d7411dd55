using System.Diagnostics;
using System.Globalization;
using Overfit.Data;
using Overfit.Landscape;
using Overfit.NN;
using Overfit.Tensors;

namespace Overfit.Benchmarks;

/// <summary>
/// `landscape [--model M.safetensors --batch B.safetensors] [--anchor PATH] [--json]`: the Hessian tools on the chapter's
/// SimpleNetwork (ReLU, [256, 192, 128, 64]) and a 256-image batch, in Float32 as a user runs them. Cases: hvp (one
/// Hessian-vector product, median of 10), top2 (power iteration with deflation for the top-2 eigenpairs, maxIter 100,
/// tol 1e-3, seed 0; PyHessian's method, which finds the largest eigenvalues in magnitude), top2_lanczos (the two
/// algebraically largest from a 40-step Lanczos run, seed 0, against the anchor's power iteration), hvp_warm (the hvp
/// case again after the iterative methods, median of 10, against the anchor's product), surface50 (the loss on a 50×50 grid along the two eigenvectors). Without --model/--batch it
/// uses an untrained network (seed 0) and the first 256 Fashion-MNIST test images, and writes both to a temporary
/// folder for the anchor. With --anchor the PyTorch script runs right after on the same files, with
/// OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE unset, and each line gets torch_s and the ratio.
/// </summary>
public static class LandscapeBenchmark
{
    public static int Run(string[] args)
    {
        var o = BenchOptions.Parse(args, ["--model", "--batch", "--anchor", "--loop", "--reps"], ["--json", "--breakdown"]);
        bool json = o.Flag("--json");
        string? modelPath = o.String("--model"), batchPath = o.String("--batch");
        string? anchor = o.String("--anchor");
        var model = new SimpleNetwork(new ReLU(), generator: new Generator(0));
        Batch batch;
        if (modelPath is not null) Checkpoint.Load(model, modelPath);
        if (batchPath is not null)
        {
            var t = Checkpoint.Read(batchPath).Tensors;
            batch = new Batch(t["x"].To(DType.Float32).Contiguous(), Array.ConvertAll(t["y"].ToDoubleArray(), v => (int)v));
        }
        else
        {
            var test = Datasets.FashionMnist(train: false, download: false);
            var b = test.GetBatch(Enumerable.Range(0, 256).ToArray());
            batch = new Batch(b.Inputs.Reshape(256, -1).Contiguous(), b.Labels);
        }
        if (modelPath is null || batchPath is null)
        {
            var dir = Directory.CreateTempSubdirectory("overfit-landscape-bench-").FullName;
            modelPath = Path.Combine(dir, "model.safetensors");
            batchPath = Path.Combine(dir, "batch.safetensors");
            Checkpoint.Save(model, modelPath);
            Checkpoint.Write(new Dictionary<string, Tensor> { ["x"] = batch.Inputs }, batchPath,
                int64: new Dictionary<string, long[]> { ["y"] = Array.ConvertAll(batch.Labels!, l => (long)l) });
        }
        model.Eval();
        Tensor Loss(Tensor output, Batch b) => Functional.CrossEntropy(output, b.Labels!);
        var analysis = new HessianAnalysis(model, Loss, [batch]);

        var v = analysis.Parameters.Select(p => Tensor.Randn(p.Shape, new Generator(1))).ToArray();
        if (o.Flag("--breakdown")) return Breakdown(model, batch, analysis.Parameters.ToArray(), v);
        if (o.String("--loop") is { } loop)
            return Loop(loop, o.Int("--reps", 1_000_000, min: 1), model, batch, analysis, v);
        // Median of 10 lone products.
        double MedianHvp()
        {
            var times = new double[10];
            for (int i = 0; i < times.Length; i++)
            {
                var clock = Stopwatch.StartNew();
                analysis.Hvp(v);
                times[i] = clock.Elapsed.TotalSeconds;
            }
            Array.Sort(times);
            return times[times.Length / 2];
        }
        for (int i = 0; i < 3; i++) analysis.Hvp(v);
        double hvp = MedianHvp();

        int before = analysis.HvpCount;
        var watch = Stopwatch.StartNew();
        var top = analysis.TopEigen(2, 100, 1e-3, seed: 0);
        double top2 = watch.Elapsed.TotalSeconds;
        int hvps = analysis.HvpCount - before;

        before = analysis.HvpCount;
        watch.Restart();
        var lanczos = analysis.TopEigenLanczos(2, iter: 40, seed: 0);
        double top2Lanczos = watch.Elapsed.TotalSeconds;
        int lanczosHvps = analysis.HvpCount - before;

        // The same lone product once the process is warm (after the iterative methods' 170-odd products), as the
        // anchor's timed products come after its eigsh and Hutchinson runs: the gap to the hvp case is JIT warm-up.
        double hvpWarm = MedianHvp();

        var lambdas = Enumerable.Range(0, 50).Select(i => (double)(float)(-1 + 2.0 * i / 49)).ToArray();
        var surface = new LossSurface(model, Loss, [batch]);
        surface.Plane(top.Eigenvectors[0], top.Eigenvectors[1], lambdas[..2], lambdas[..2]);
        watch.Restart();
        surface.Plane(top.Eigenvectors[0], top.Eigenvectors[1], lambdas, lambdas);
        double surf = watch.Elapsed.TotalSeconds;

        var ours = new Dictionary<string, double> { ["hvp"] = hvp, ["hvp_warm"] = hvpWarm, ["top2"] = top2, ["top2_lanczos"] = top2Lanczos, ["surface50"] = surf };
        var extra = new Dictionary<string, string>
        {
            ["hvp"] = "",
            ["hvp_warm"] = "",
            ["top2"] = Invariant($",\"eigenvalues\":[{top.Eigenvalues[0]:G6},{top.Eigenvalues[1]:G6}],\"hvps\":{hvps}"),
            ["top2_lanczos"] = Invariant($",\"eigenvalues\":[{lanczos.Eigenvalues[0]:G6},{lanczos.Eigenvalues[1]:G6}],\"hvps\":{lanczosHvps}"),
            ["surface50"] = "",
        };
        var torch = anchor is null ? null : RunAnchor(anchor, modelPath, batchPath);
        foreach (var (name, s) in ours)
        {
            string t = "";
            // The Lanczos case is compared with the anchor's power iteration: the same output (top-2 eigenpairs), another
            // method; the warm product with the anchor's one product.
            if (torch is not null && torch.TryGetValue(name switch { "top2_lanczos" => "top2", "hvp_warm" => "hvp", _ => name }, out var ts)) t = Invariant($",\"torch_s\":{ts:F5},\"ratio\":{s / ts:F3}");
            string line = Invariant($"{{\"bench\":\"landscape\",\"case\":\"{name}\",\"overfit_s\":{s:F5}{extra[name]}{t}}}");
            Console.WriteLine(json ? line : line.Replace("\"", "", StringComparison.Ordinal));
        }
        return 0;
    }

    /// <summary>
    /// --breakdown: median times over 20 runs, the two ways interleaved in each run: the double backward's three phases
    /// (forward, createGraph backward, second backward) and the R-operator's two (the forward and δ pass, which the
    /// iterative methods keep per batch, and the R-forward plus R-backward pass each product pays).
    /// </summary>
    private static int Breakdown(Module model, Batch batch, Tensor[] ps, Tensor[] v)
    {
        string[] names = ["forward", "backward_create_graph", "second_backward", "rop_forward_and_delta", "rop_r_passes"];
        var t = new double[names.Length][];
        for (int k = 0; k < t.Length; k++) t[k] = new double[20];
        Tensor Loss(Tensor output, Batch b) => Functional.CrossEntropy(output, b.Labels!);
        var plan = PearlmutterPlan.TryCreate(model, ps) ?? throw new InvalidOperationException("the R-operator does not apply to this model");
        for (int i = -3; i < 20; i++)
        {
            var c = Stopwatch.StartNew();
            var loss = Loss(model.Forward(batch.Inputs), batch);
            double f = c.Elapsed.TotalSeconds;
            var g = Overfit.Autograd.Autograd.Gradient(loss, ps, createGraph: true);
            double b1 = c.Elapsed.TotalSeconds;
            Tensor dot = g[0].Mul(v[0]).Sum();
            for (int k = 1; k < g.Length; k++) dot = dot.Add(g[k].Mul(v[k]).Sum());
            Overfit.Autograd.Autograd.Gradient(dot, ps);
            double b2 = c.Elapsed.TotalSeconds;
            c.Restart();
            var state = plan.Prepare(batch, Loss)!;
            double p = c.Elapsed.TotalSeconds;
            plan.Hvp(state, v);
            double r = c.Elapsed.TotalSeconds;
            if (i < 0) continue;
            (t[0][i], t[1][i], t[2][i], t[3][i], t[4][i]) = (f, b1 - f, b2 - b1, p, r - p);
        }
        for (int k = 0; k < t.Length; k++)
        {
            Array.Sort(t[k]);
            Console.WriteLine(Invariant($"{{\"bench\":\"landscape\",\"phase\":\"{names[k]}\",\"median_s\":{t[k][10]:F5}}}"));
        }
        return 0;
    }

    /// <summary>
    /// --loop r_passes|prepare|hvp|top2 [--reps N]: repeats one phase (at most N times, at most 5 s), e.g. under
    /// `perf record -k mono`. On stderr: the monotonic clock at the start, after the first call and at the end (to cut
    /// the profile to the loop), and each of the first 40 calls' wall time, process CPU time and allocated KB. On stdout:
    /// the sums over the first 13 calls (the hvp case's 3 warm-ups and 10 timed products) and the medians of the second half.
    /// </summary>
    private static int Loop(string phase, int reps, Module model, Batch batch, HessianAnalysis analysis, Tensor[] v)
    {
        if (phase is not ("r_passes" or "prepare" or "hvp" or "top2"))
        {
            Console.Error.WriteLine($"--loop: expected r_passes, prepare, hvp or top2, got '{phase}'");
            return 2;
        }
        Tensor Loss(Tensor output, Batch b) => Functional.CrossEntropy(output, b.Labels!);
        var plan = PearlmutterPlan.TryCreate(model, analysis.Parameters.ToArray()) ?? throw new InvalidOperationException("the R-operator does not apply to this model");
        var state = phase is "r_passes" ? plan.Prepare(batch, Loss)! : null;
        var wall = new List<double>();
        var cpu = new List<double>();
        var bytes = new List<long>();
        var process = Process.GetCurrentProcess();
        var total = Stopwatch.StartNew();
        Console.Error.WriteLine(Invariant($"loop start {Stopwatch.GetTimestamp() / 1e9:F6}"));
        while (total.Elapsed.TotalSeconds < 5 && wall.Count < reps)
        {
            process.Refresh();
            var cpu0 = process.TotalProcessorTime;
            long bytes0 = GC.GetTotalAllocatedBytes(precise: true);
            var c = Stopwatch.StartNew();
            switch (phase)
            {
                case "r_passes": plan.Hvp(state!, v); break;
                case "prepare": plan.Prepare(batch, Loss)!.Dispose(); break;
                case "top2": analysis.TopEigen(2, 100, 1e-3, seed: 0); break;
                default: analysis.Hvp(v); break;
            }
            wall.Add(c.Elapsed.TotalSeconds);
            bytes.Add(GC.GetTotalAllocatedBytes(precise: true) - bytes0);
            if (wall.Count == 1) Console.Error.WriteLine(Invariant($"loop first {Stopwatch.GetTimestamp() / 1e9:F6}"));
            process.Refresh();
            cpu.Add((process.TotalProcessorTime - cpu0).TotalSeconds);
        }
        Console.Error.WriteLine(Invariant($"loop end {Stopwatch.GetTimestamp() / 1e9:F6}"));
        Console.Error.WriteLine("wall ms: " + string.Join(" ", wall.Take(40).Select(t => Invariant($"{t * 1e3:F1}"))));
        Console.Error.WriteLine("cpu ms:  " + string.Join(" ", cpu.Take(40).Select(t => Invariant($"{t * 1e3:F1}"))));
        Console.Error.WriteLine("alloc KB: " + string.Join(" ", bytes.Take(40).Select(b => Invariant($"{b / 1024}"))));
        int first = Math.Min(13, wall.Count);
        double Median(List<double> xs) { var s = xs.Skip(xs.Count / 2).Order().ToArray(); return s[s.Length / 2]; }
        Console.WriteLine(Invariant($"{{\"bench\":\"landscape\",\"loop\":\"{phase}\",\"reps\":{wall.Count},\"first13_wall_s\":{wall.Take(first).Sum():F5},\"first13_cpu_s\":{cpu.Take(first).Sum():F5},\"warm_wall_s\":{Median(wall):F5},\"warm_cpu_s\":{Median(cpu):F5},\"min_wall_s\":{wall.Min():F5}}}"));
        return 0;
    }

    private static Dictionary<string, double>? RunAnchor(string path, string model, string batch)
    {
        var psi = new ProcessStartInfo("/usr/bin/python3", [path, model, batch, "--grid", "50"]) { RedirectStandardOutput = true, UseShellExecute = false };
        psi.Environment.Remove("OPENBLAS_CORETYPE");
        psi.Environment.Remove("OPENBLAS_L2_SIZE");
        Console.Error.WriteLine($"anchor: env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE /usr/bin/python3 {path} {model} {batch} --grid 50");
        using var proc = Process.Start(psi) ?? throw new InvalidOperationException($"could not start /usr/bin/python3 {path}");
        string output = proc.StandardOutput.ReadToEnd();
        proc.WaitForExit();
        var line = output.Split('\n', StringSplitOptions.RemoveEmptyEntries).LastOrDefault();
        if (proc.ExitCode != 0 || line is null) { Console.Error.WriteLine($"anchor failed with exit code {proc.ExitCode}"); return null; }
        Console.Error.WriteLine(line);
        using var doc = System.Text.Json.JsonDocument.Parse(line);
        var r = doc.RootElement;
        return new Dictionary<string, double>
        {
            ["hvp"] = r.GetProperty("hvp_s").GetDouble(),
            ["top2"] = r.GetProperty("top2_power_s").GetDouble(),
            ["surface50"] = r.GetProperty("surface_50x50_s").GetDouble(),
        };
    }

    private static string Invariant(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
