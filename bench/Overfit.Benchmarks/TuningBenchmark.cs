using System.Diagnostics;
using System.Globalization;
using Overfit.BayesianOptimization;
using Overfit.Tensors;
using Overfit.Tuning;

namespace Overfit.Benchmarks;

/// <summary>
/// `tuning --sampler tpe|random|qmc|gp|cmaes --func branin|hartmann6|ackley5 --trials 100 --seeds 10 [--anchor PATH] --json`:
/// minimizes the function with a study on each seed (every coordinate a SuggestFloat) and prints the quartiles of the
/// final regret and the median seconds per trial. With `--init sobol` each study first runs the 2(d + 1) scrambled-Sobol
/// points `bench bo` starts from (same seed, enqueued), and `gp` then counts them as its startup trials. `--noise-floor V`
/// sets the GP's lower bound on the noise variance (standardized units; BoTorch's 1e-4 by default). A seeded TPE
/// or random sampler draws from numpy's RandomState(seed) streams, as Optuna 3.1's do, so each seed repeats Optuna's run
/// (the anchor's loop) at this sampler's speed; `--stream xoshiro` (TPE only) gives the TPE sampler two xoshiro256**
/// streams of `Generator(seed)` instead, to compare the same sampler on another generator. `--first-seed F` runs seeds F..F+seeds-1.
/// `tuning --overhead --storage memory --sampler random|tpe --trials 1000 [--anchor PATH] --json`: times ask + 4
/// SuggestFloat on [-5, 5] + tell with no objective cost, the loop of the Optuna overhead anchor. The storage may also be
/// sqlite:///PATH or postgresql://USER@HOST:PORT/DB. With `--workers N` (and optionally `--objective-ms MS`, an
/// objective that sleeps that long) N worker processes share one study on that storage (see TuningBenchmark.Workers.cs).
/// With --anchor the Optuna script (optuna_bench.py or optuna_overhead.py) runs right after with the same arguments.
/// </summary>
public static partial class TuningBenchmark
{
    /// <summary>Sampler factories by benchmark name (seed → sampler); further samplers register here.</summary>
    public static readonly Dictionary<string, Func<ulong, ISampler>> Samplers = new()
    {
        ["random"] = seed => new RandomSampler(seed),
        ["tpe"] = seed => new TpeSampler(seed: seed),
        ["qmc"] = seed => new QmcSampler(seed: seed),
        ["gp"] = seed => new GPSampler(seed: seed),
        ["cmaes"] = seed => new CmaEsSampler(seed: seed),
    };

    public static int Run(string[] args)
    {
        string func = "branin", sampler = "tpe", storage = "memory";
        int trials = 100, seeds = 10;
        bool json = false, overhead = false;
        string? anchor = null, workerStudy = null, init = null, stream = null;
        int firstSeed = 0;
        int? workers = null;
        double objectiveMs = 0;
        double? noiseFloor = null;
        for (int i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--func": func = BenchOptions.Next(args, ref i); break;
                case "--sampler": sampler = BenchOptions.Next(args, ref i); break;
                case "--storage": storage = BenchOptions.Next(args, ref i); break;
                case "--trials": trials = int.Parse(BenchOptions.Next(args, ref i), CultureInfo.InvariantCulture); break;
                case "--seeds": seeds = int.Parse(BenchOptions.Next(args, ref i), CultureInfo.InvariantCulture); break;
                case "--anchor": anchor = BenchOptions.Next(args, ref i); break;
                case "--init": init = BenchOptions.Next(args, ref i); break;
                case "--stream": stream = BenchOptions.Next(args, ref i); break;
                case "--first-seed": firstSeed = int.Parse(BenchOptions.Next(args, ref i), CultureInfo.InvariantCulture); break;
                case "--noise-floor": noiseFloor = double.Parse(BenchOptions.Next(args, ref i), CultureInfo.InvariantCulture); break;
                case "--overhead": overhead = true; break;
                case "--workers": workers = int.Parse(BenchOptions.Next(args, ref i), CultureInfo.InvariantCulture); break;
                case "--objective-ms": objectiveMs = double.Parse(BenchOptions.Next(args, ref i), CultureInfo.InvariantCulture); break;
                case "--worker-study": workerStudy = BenchOptions.Next(args, ref i); break;
                case "--json": json = true; break;
                default: Console.Error.WriteLine($"tuning: unknown option {args[i]}"); return 2;
            }
        }
        if (!Samplers.TryGetValue(sampler, out var factory))
        {
            Console.Error.WriteLine($"tuning: unknown sampler '{sampler}'; expected one of {string.Join(", ", Samplers.Keys)}");
            return 2;
        }
        if (trials < 1 || seeds < 1) { Console.Error.WriteLine($"tuning: --trials and --seeds must be >= 1, got {trials} and {seeds}"); return 2; }
        string line;
        if (overhead)
        {
            if (storage != "memory" && !storage.StartsWith("sqlite:///", StringComparison.Ordinal) && !storage.StartsWith("postgresql://", StringComparison.Ordinal))
            {
                Console.Error.WriteLine($"tuning: unknown storage '{storage}'; expected memory, sqlite:///PATH or postgresql://USER@HOST:PORT/DB");
                return 2;
            }
            if (workerStudy is not null) return Worker(factory, storage, workerStudy, trials, objectiveMs);
            if (workers is not null || objectiveMs > 0)
            {
                if (storage == "memory" || workers is not (>= 1 and <= 64) || !(objectiveMs >= 0))
                {
                    Console.Error.WriteLine($"tuning: --workers needs a sqlite:/// or postgresql:// storage, 1..64 workers and --objective-ms >= 0, got {storage}, {workers}, {objectiveMs}");
                    return 2;
                }
                Emit(Workers(sampler, storage, trials, workers.Value, objectiveMs), json);
                if (anchor is not null && objectiveMs == 0 && workers == 1) RunAnchor(anchor, [storage, sampler, Str(trials)], json);
                return 0;
            }
            line = Overhead(factory, sampler, storage, trials);
            Emit(line, json);
            if (anchor is not null) RunAnchor(anchor, [storage, sampler, Str(trials)], json);
            return 0;
        }
        if (init is not null and not "sobol") { Console.Error.WriteLine($"tuning: unknown --init '{init}'; expected sobol"); return 2; }
        if (stream is not null && (stream != "xoshiro" || sampler != "tpe"))
        {
            Console.Error.WriteLine($"tuning: --stream takes xoshiro, with --sampler tpe; got {stream} with {sampler}");
            return 2;
        }
        if (firstSeed < 0 || (long)firstSeed + seeds > uint.MaxValue) { Console.Error.WriteLine($"tuning: --first-seed must be in 0..{uint.MaxValue} - seeds, got {firstSeed}"); return 2; }
        if (firstSeed != 0 && anchor is not null) { Console.Error.WriteLine("tuning: --anchor runs seeds from 0 and cannot follow --first-seed"); return 2; }
        if (noiseFloor is not null && (sampler != "gp" || !(noiseFloor > 0) || double.IsInfinity(noiseFloor.Value)))
        {
            Console.Error.WriteLine($"tuning: --noise-floor needs --sampler gp and a positive finite value, got {sampler} and {noiseFloor}");
            return 2;
        }
        SyntheticFunction problem;
        try { problem = SyntheticFunction.FromName(func); }
        catch (ArgumentException e) { Console.Error.WriteLine($"tuning: {e.Message}"); return 2; }
        var regrets = new List<double>();
        var secs = new List<double>();
        for (long seed = firstSeed; seed < firstSeed + seeds; seed++)
        {
            int d = problem.Dimension, initial = 2 * (d + 1);
            var gpOptions = noiseFloor is { } floor
                ? new BoTorchLoopOptions { ModelOptions = new SingleTaskGPOptions { NoiseFloor = floor, NoiseBounds = (floor, 10.0) } } : null;
            var study = Study.Create(sampler: sampler == "gp" && (init is not null || gpOptions is not null)
                    ? new GPSampler(seed: (ulong)seed, nStartupTrials: init is null ? 10 : initial, options: gpOptions)
                    : stream is not null ? new TpeSampler(new Generator((ulong)seed).NextDouble, new Generator((ulong)seed).NextDouble)
                    : factory((ulong)seed),
                pruner: new NopPruner());
            if (init is not null)
            {
                // BoTorchLoop's initial design: the first 2(d + 1) points of the seed's scrambled Sobol sequence.
                var sobol = new SobolEngine(d, scramble: true, seed: (ulong)seed).Draw(initial);
                problem.Bounds.FromUnitCube(sobol);
                for (int p = 0; p < initial; p++)
                    study.EnqueueTrial(Enumerable.Range(0, d).ToDictionary(j => $"x{j}", j => (object?)sobol[p * d + j]));
            }
            var x = new double[problem.Dimension];
            var watch = Stopwatch.StartNew();
            study.Optimize(t =>
            {
                for (int i = 0; i < x.Length; i++) x[i] = t.SuggestFloat($"x{i}", problem.Bounds.Lower[i], problem.Bounds.Upper[i]);
                return problem.Evaluate(x);
            }, nTrials: trials);
            secs.Add(watch.Elapsed.TotalSeconds / trials);
            regrets.Add(study.BestValue - problem.OptimalValue);
            Console.Error.WriteLine(FormattableString.Invariant($"seed {seed}: regret {study.BestValue - problem.OptimalValue:G4}"));
        }
        regrets.Sort();
        secs.Sort();
        line = FormattableString.Invariant(
            $"{{\"bench\":\"tuning\",\"sampler\":\"{sampler}\",{(init is null ? "" : $"\"init\":\"{init}\",")}{(stream is null ? "" : $"\"stream\":\"{stream}\",")}{(firstSeed == 0 ? "" : $"\"first_seed\":{firstSeed},")}{(noiseFloor is null ? "" : FormattableString.Invariant($"\"noise_floor\":{noiseFloor:G3},"))}\"func\":\"{func}\",\"trials\":{trials},\"seeds\":{seeds},\"regret_q25\":{Quantile(regrets, 0.25):G6},\"regret_median\":{Quantile(regrets, 0.5):G6},\"regret_q75\":{Quantile(regrets, 0.75):G6},\"sec_per_trial\":{Quantile(secs, 0.5):G4}}}");
        Emit(line, json);
        if (anchor is not null) RunAnchor(anchor, [func, sampler, Str(trials), Str(seeds)], json);
        return 0;
    }

    /// <summary>Per-trial cost of ask + 4 SuggestFloat + tell, after warm-up studies of the same length
    /// (<see cref="WarmUntilJitQuiet"/>): the tiered JIT promotes hot methods only after a delay, and a fast sampler
    /// finishes 1,000 trials sooner than that, so without it the timing would measure unoptimized code.</summary>
    private static string Overhead(Func<ulong, ISampler> factory, string sampler, string storage, int trials)
    {
        WarmUntilJitQuiet(() => RunOverheadStudy(factory(1), storage, trials));
        var process = Process.GetCurrentProcess();
        var cpu0 = process.TotalProcessorTime;
        var watch = Stopwatch.StartNew();
        RunOverheadStudy(factory(0), storage, trials);
        double dt = watch.Elapsed.TotalSeconds;
        process.Refresh();
        // CPU time is steadier than wall time on a loaded machine; it goes to stderr beside the JSON line.
        Console.Error.WriteLine(FormattableString.Invariant($"overhead: {(process.TotalProcessorTime - cpu0).TotalSeconds / trials * 1e3:F3} ms CPU per trial, {dt / trials * 1e3:F3} ms wall"));
        return FormattableString.Invariant(
            $"{{\"bench\":\"tuning-overhead\",\"storage\":\"{storage.Split(':')[0]}\",\"sampler\":\"{sampler}\",\"workers\":1,\"trials\":{trials},\"ask_tell_s_per_trial\":{dt / trials:G6},\"trials_per_s\":{trials / dt:F2}}}");
    }

    /// <summary>
    /// Repeats <paramref name="round"/> for at least two seconds and until two rounds in a row compiled no method, at
    /// most a minute. The tier-1 code arrives from a background thread; with several worker processes sharing the cores
    /// it arrives seconds later than alone, and a fixed warm-up then times the JIT (four workers' CPU per trial was 3-6x
    /// one worker's, and equal with tiered compilation off).
    /// </summary>
    internal static void WarmUntilJitQuiet(Action round)
    {
        var warm = Stopwatch.StartNew();
        int quietRounds = 0;
        while (warm.Elapsed < TimeSpan.FromMinutes(1))
        {
            long compiled = System.Runtime.JitInfo.GetCompiledMethodCount();
            round();
            quietRounds = System.Runtime.JitInfo.GetCompiledMethodCount() == compiled ? quietRounds + 1 : 0;
            if (quietRounds >= 2 && warm.Elapsed >= TimeSpan.FromSeconds(2)) return;
        }
    }

    /// <summary>One overhead study; a sqlite:/// storage gets a fresh study (unique name) in that file, as the anchor does.</summary>
    private static void RunOverheadStudy(ISampler sampler, string storage, int trials)
    {
        using var rdb = storage == "memory" ? null : new RdbStorage(storage);
        var study = Study.Create(storage: (IStorage?)rdb ?? new InMemoryStorage(), sampler: sampler, pruner: new NopPruner());
        for (int i = 0; i < trials; i++)
        {
            var t = study.Ask();
            double v = 0;
            for (int k = 0; k < 4; k++) { double p = t.SuggestFloat($"x{k}", -5.0, 5.0) - 1.0; v += p * p; }
            study.Tell(t, v);
        }
    }

    private static void Emit(string line, bool json) => Console.WriteLine(json ? line : line.Replace(",", ", "));

    private static string Str(int v) => v.ToString(CultureInfo.InvariantCulture);

    private static void RunAnchor(string path, string[] arguments, bool json)
    {
        var psi = new ProcessStartInfo("/usr/bin/python3", [path, .. arguments]) { RedirectStandardOutput = true, UseShellExecute = false };
        psi.Environment.Remove("OPENBLAS_CORETYPE");
        psi.Environment.Remove("OPENBLAS_L2_SIZE");
        Console.Error.WriteLine($"anchor: /usr/bin/python3 {path} {string.Join(' ', arguments)}");
        using var proc = Process.Start(psi) ?? throw new InvalidOperationException($"could not start /usr/bin/python3 {path}");
        string output = proc.StandardOutput.ReadToEnd();
        proc.WaitForExit();
        foreach (var l in output.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            // The bench script's line lacks "bench"; tag it so every stdout line says where it came from.
            string tagged = l.StartsWith("{\"bench\"", StringComparison.Ordinal) ? l.Replace("{\"bench\":", "{\"anchor\":\"optuna\",\"bench\":")
                : "{\"anchor\":\"optuna\",\"bench\":\"tuning\"," + l.TrimStart('{');
            Emit(tagged.Replace(", \"", ",\"").Replace("\": ", "\":"), json);
        }
        if (proc.ExitCode != 0) Console.Error.WriteLine($"anchor exited with {proc.ExitCode}");
    }

    private static double Quantile(List<double> sorted, double p) => BoBenchmark.Quantile(sorted, p);
}
