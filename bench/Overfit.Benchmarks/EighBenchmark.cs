using System.Diagnostics;
using System.Globalization;
using Overfit.Tensors;
using Overfit.Tensors.Kernels;

namespace Overfit.Benchmarks;

/// <summary>
/// `eigh --n 200 --json`: DenseLinalg.SymmetricEigen (all eigenvalues and eigenvectors) of a random symmetric n×n
/// matrix, median of repeated runs after a warm-up; the anchor is numpy.linalg.eigh
/// (`tests/fixtures/reference/linalg/eigh_reference.py --bench N` times it on the same kind of matrix).
/// </summary>
public static class EighBenchmark
{
    public static int Run(string[] args)
    {
        var o = BenchOptions.Parse(args, ["--n", "--reps"], ["--json"]);
        int n = o.Int("--n", 200, min: 1), reps = o.Int("--reps", 9, min: 1);
        bool json = o.Flag("--json");
        var rng = new Generator(0);
        var a = new double[n * n];
        for (int i = 0; i < n; i++)
            for (int j = 0; j <= i; j++) a[i * n + j] = a[j * n + i] = rng.NextDouble() - 0.5;
        var values = new double[n];
        var vectors = new double[n * n];
        DenseLinalg.SymmetricEigen(a, n, values, vectors);   // warm-up (JIT)
        var times = new double[reps];
        for (int r = 0; r < reps; r++)
        {
            var sw = Stopwatch.StartNew();
            DenseLinalg.SymmetricEigen(a, n, values, vectors);
            times[r] = sw.Elapsed.TotalSeconds;
        }
        Array.Sort(times);
        double median = times[reps / 2];
        if (json) Console.WriteLine(string.Format(CultureInfo.InvariantCulture, "{{\"bench\":\"eigh\",\"n\":{0},\"seconds\":{1:0.######}}}", n, median));
        else Console.WriteLine(string.Format(CultureInfo.InvariantCulture, "eigh n={0}: median {1:0.###} ms over {2} runs (largest eigenvalue {3:0.######})", n, median * 1e3, reps, values[n - 1]));
        return 0;
    }
}
