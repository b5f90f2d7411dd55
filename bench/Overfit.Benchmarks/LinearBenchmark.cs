using System.Diagnostics;
using System.Globalization;
using Overfit.LinearModels;
using Overfit.Tensors;

namespace Overfit.Benchmarks;

/// <summary>
/// `linear [--json] [--n N] [--p P] [--anchor PATH [--anchor-both]] [--breakdown]`: the regularized linear-model cases of
/// the scikit-learn anchor (dense n×p design with correlated column pairs and a 20-sparse truth), median of 3 in-process
/// runs after a warm-up long enough for the tiered JIT to settle (--calls C times more, --trace prints every time).
/// With --anchor the scikit-learn script runs right after in the same invocation (OMP_NUM_THREADS=2, the rest of the
/// environment inherited) and the ratios go to stderr; with --anchor-both as well, it runs a second time with
/// OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE removed from its environment (OpenBLAS then picks its AVX-512 kernels).
/// </summary>
public static class LinearBenchmark
{
    public static int Run(string[] args)
    {
        var o = BenchOptions.Parse(args, ["--n", "--p", "--anchor", "--calls", "--reps", "--threads", "--dump"], ["--json", "--breakdown", "--trace", "--anchor-both"]);
        int n = o.Int("--n", 5000, min: 1), p = o.Int("--p", 200, min: 1);
        string? anchor = o.String("--anchor");
        var (x, y) = Problem(n, p, seed: 0);
        if (o.Flag("--breakdown")) return LinearBreakdown.Run(o, n, p, x, y);
        var alphas50 = Enumerable.Range(0, 50).Select(i => Math.Pow(10, -3 + 6.0 * i / 49)).ToArray();

        var cases = new (string Name, Action Fit)[]
        {
            ("lasso_path_100", () => LassoPath.Compute(x, y, nAlphas: 100, eps: 1e-3)),
            ("enet_path_100_l1r0.5", () => ElasticNetPath.Compute(x, y, l1Ratio: 0.5, nAlphas: 100, eps: 1e-3)),
            ("lasso_cv_5fold", () => new LassoCV(nAlphas: 100, cv: 5).Fit(x, y)),
            ("ridge_cv_50", () => new RidgeCV(alphas50).Fit(x, y)),
            ("ridge_cholesky", () => new Ridge(1.0, solver: RidgeSolver.Cholesky).Fit(x, y)),
            ("lasso_alpha0.1", () => new Lasso(0.1).Fit(x, y)),
        };
        // Warm-up of every case first, long enough for the runtime's tiered JIT to finish: methods start as tier-0 code
        // and are recompiled in the background only after ~30 calls and a quiet spell, so with a couple of warm-up calls
        // the timed calls would run partly unoptimized code while the background compiler competes for the two cores.
        for (int round = 0; round < 3; round++)
        {
            foreach (var (_, fit) in cases)
            {
                var warm = Stopwatch.StartNew();
                for (int calls = 0; calls < 40 && (calls < 4 || warm.Elapsed.TotalSeconds < 0.4); calls++) fit();
            }
            Thread.Sleep(300);
        }
        var ours = new Dictionary<string, double>();
        foreach (var (name, fit) in cases)
        {
            var times = new double[o.Int("--calls", 3, min: 1)];
            for (int r = 0; r < times.Length; r++)
            {
                var sw = Stopwatch.StartNew();
                fit();
                times[r] = sw.Elapsed.TotalSeconds;
            }
            if (o.Flag("--trace")) Console.Error.WriteLine($"{name}: {string.Join(", ", times.Select(t => (t * 1e3).ToString("0.00", CultureInfo.InvariantCulture)))} ms");
            Array.Sort(times);
            ours[name] = times[times.Length / 2];
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{{\"bench\":\"linear\",\"case\":\"{name}\",\"n\":{n},\"p\":{p},\"overfit_s\":{Math.Round(times[times.Length / 2], 4)}}}"));
        }
        if (anchor is not null)
        {
            RunAnchor(anchor, n, p, ours, unsetOpenBlasOverrides: false);
            // The environment may pin OpenBLAS to its AVX2 (Haswell) kernels; rerun with the overrides removed so OpenBLAS
            // picks its own (AVX-512) kernels: the stricter comparison.
            if (o.Flag("--anchor-both")) RunAnchor(anchor, n, p, ours, unsetOpenBlasOverrides: true);
        }
        return 0;
    }

    /// <summary>Same kind of data as the anchor: X ~ N(0,1), X[:, odd] += 0.5·X[:, even], w: 20 nonzeros ~ 3·N(0,1), unit noise.</summary>
    internal static (double[,] X, double[] Y) Problem(int n, int p, ulong seed)
    {
        var g = new Generator(seed);
        var x = new double[n, p];
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < p; j++) x[i, j] = g.NextNormal();
            for (int j = 1; j < p; j += 2) x[i, j] += 0.5 * x[i, j - 1];
        }
        var w = new double[p];
        for (int j = 0; j < Math.Min(20, p); j++) w[j] = 3 * g.NextNormal();
        var y = new double[n];
        for (int i = 0; i < n; i++)
        {
            double s = 0;
            for (int j = 0; j < p; j++) s += x[i, j] * w[j];
            y[i] = s + g.NextNormal();
        }
        return (x, y);
    }

    private static void RunAnchor(string path, int n, int p, Dictionary<string, double> ours, bool unsetOpenBlasOverrides)
    {
        var psi = new ProcessStartInfo("/usr/bin/python3", [path, n.ToString(CultureInfo.InvariantCulture), p.ToString(CultureInfo.InvariantCulture)])
        {
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        psi.Environment["OMP_NUM_THREADS"] = "2";
        if (unsetOpenBlasOverrides)
        {
            psi.Environment.Remove("OPENBLAS_CORETYPE");
            psi.Environment.Remove("OPENBLAS_L2_SIZE");
        }
        string setting = psi.Environment.TryGetValue("OPENBLAS_CORETYPE", out var core) && core is not null ? $"OPENBLAS_CORETYPE={core}" : "OPENBLAS_CORETYPE unset";
        Console.Error.WriteLine($"anchor: OMP_NUM_THREADS=2 /usr/bin/python3 {path} {n} {p} ({setting})");
        using var proc = Process.Start(psi) ?? throw new InvalidOperationException($"could not start /usr/bin/python3 {path}");
        string output = proc.StandardOutput.ReadToEnd();
        proc.WaitForExit();
        foreach (var line in output.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            Console.WriteLine(line);
            using var doc = System.Text.Json.JsonDocument.Parse(line);
            var root = doc.RootElement;
            string name = root.GetProperty("case").GetString()!;
            double sk = root.GetProperty("sklearn_s").GetDouble();
            if (ours.TryGetValue(name, out var o))
                Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name,-22} overfit {o,8:0.0000}s  sklearn {sk,8:0.0000}s  ratio {o / sk,6:0.00}"));
        }
    }
}
