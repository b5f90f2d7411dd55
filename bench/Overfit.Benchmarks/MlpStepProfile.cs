using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using Overfit.NN;
using Overfit.Optim;
using Overfit.Tensors;
using Overfit.Tensors.Kernels;

namespace Overfit.Benchmarks;

/// <summary>
/// `mlp --profile`: where one training step of the mlp benchmark spends its time. Runs warm steps on random
/// data of the benchmark's shapes and reports, per phase, the minimum and median over the steps (µs): batch
/// gathering, ZeroGrad, each module's forward, the loss, each recorded op's backward rule (timed by wrapping
/// the rule), the leaf-gradient accumulation left over, the optimizer step (inside the backward, with the zeroing
/// folded in, unless --step-after-backward; --alternate-step alternates both, step by step, with each phase tagged),
/// and gen0 collections per 469 steps (one epoch). Then each GEMM of the
/// step alone, back to back, on 1 and on all threads.
/// </summary>
internal static class MlpStepProfile
{
    public static int Run(BenchOptions o, int batch, int threads)
    {
        int steps = 600;
        bool alternateStep = o.Flag("--alternate-step");
        bool stepAfter = o.Flag("--step-after-backward");
        string tag = "";
        Gemm.MaxThreads = threads;
        var gen = new Generator(0);
        var model = new SimpleNetwork(new ReLU(), generator: gen);
        var opt = new Adam(model.Parameters(), lr: 1e-3);
        var loss = new CrossEntropyLoss();
        int rows = 60000; // the training set's size, so the gather misses the cache as it does there
        var data = Tensor.Randn([rows, 784], gen).ToArray<float>();
        var targets = new int[rows];
        for (int i = 0; i < rows; i++) targets[i] = gen.NextInt(10);
        var batchX = new float[batch * 784];
        var layers = model.NamedModules().Select(m => m.Module).OfType<Sequential>().First();
        var times = new Dictionary<string, List<double>>();
        void Add(string name, double us)
        {
            name += tag;
            if (!times.TryGetValue(name, out var list)) times[name] = list = [];
            list.Add(us);
        }
        double Us(long t0) => (Stopwatch.GetTimestamp() - t0) * 1e6 / Stopwatch.Frequency;
        var rule = typeof(Overfit.Autograd.Autograd).Assembly.GetType("Overfit.Autograd.Node")!.GetProperty("BackwardRule")!;
        var nameProp = rule.DeclaringType!.GetProperty("Name")!;
        var gradFn = typeof(Tensor).GetProperty("GradFn", BindingFlags.Instance | BindingFlags.NonPublic | BindingFlags.Public)!;
        var inputsProp = rule.DeclaringType!.GetProperty("Inputs")!;
        int gen0Start = 0;
        var pauseStart = TimeSpan.Zero;
        long allocStart = 0;
        var perm = gen.Permutation(rows);
        for (int s = 0; s < steps + 100; s++)
        {
            if (s == 100) { times.Clear(); gen0Start = GC.CollectionCount(0); pauseStart = GC.GetTotalPauseDuration(); allocStart = GC.GetTotalAllocatedBytes(precise: true); }
            if (alternateStep)
            {
                // Even steps update after the backward, odd ones during it: both in one process and one window.
                stepAfter = s % 2 == 0;
                tag = stepAfter ? " [after]" : " [in backward]";
            }
            long stepStart = Stopwatch.GetTimestamp();
            long t = Stopwatch.GetTimestamp();
            var labels = new int[batch];
            int start = (s * batch) % (rows - batch);
            for (int i = 0; i < batch; i++) labels[i] = targets[perm[start + i]];
            // As the benchmark gathers: half the rows on each core.
            Gemm.Concurrently(() => MlpBenchmark.GatherRows(data, perm, start, 0, batch / 2, batchX), () => MlpBenchmark.GatherRows(data, perm, start, batch / 2, batch, batchX));
            var x = Tensor.Wrap(batchX, [batch, 784]);
            Add("gather", Us(t));
            if (stepAfter)
            {
                t = Stopwatch.GetTimestamp();
                opt.ZeroGrad(setToNone: false);
                Add("zero_grad", Us(t));
            }
            var h = x;
            for (int i = 0; i < layers.Count; i++)
            {
                t = Stopwatch.GetTimestamp();
                // As Sequential runs them: a Linear followed by a ReLU is one fused op.
                if (layers[i] is Linear linear && i + 1 < layers.Count && layers[i + 1] is ReLU)
                {
                    h = linear.ForwardWithRelu(h, internalOutput: i + 2 < layers.Count && layers[i + 2] is Linear);
                    Add($"fwd {i} {layers[i]}+ReLU", Us(t));
                    i++;
                    continue;
                }
                h = layers[i].Forward(h);
                Add($"fwd {i} {layers[i]}", Us(t));
            }
            t = Stopwatch.GetTimestamp();
            var l = loss.Forward(h, labels);
            Add("loss fwd", Us(t));
            // Wrap every node's rule with a timer.
            var ruleTimes = new List<(string Name, double[] Acc)>();
            var stack = new Stack<Tensor>([l]);
            var seen = new HashSet<object>(ReferenceEqualityComparer.Instance);
            int index = 0;
            while (stack.Count > 0)
            {
                var node = gradFn.GetValue(stack.Pop());
                if (node is null || !seen.Add(node)) continue;
                var orig = (Func<Tensor, Tensor?[]>)rule.GetValue(node)!;
                var acc = new double[1];
                ruleTimes.Add(($"bwd {index++} {nameProp.GetValue(node)}", acc));
                rule.SetValue(node, (Func<Tensor, Tensor?[]>)(g =>
                {
                    long t1 = Stopwatch.GetTimestamp();
                    var r = orig(g);
                    acc[0] += Us(t1);
                    return r;
                }));
                foreach (var input in (Tensor[])inputsProp.GetValue(node)!) stack.Push(input);
            }
            t = Stopwatch.GetTimestamp();
            if (stepAfter) l.Backward();
            else opt.BackwardAndStep(l, zeroGrad: true);
            double backward = Us(t);
            double inRules = 0;
            foreach (var (name, acc) in ruleTimes) { Add(name, acc[0]); inRules += acc[0]; }
            Add(stepAfter ? "bwd engine+leaf accumulation" : "bwd engine+leaf accumulation+adam (in backward)", backward - inRules);
            if (stepAfter)
            {
                t = Stopwatch.GetTimestamp();
                opt.Step();
                Add("adam step", Us(t));
            }
            t = Stopwatch.GetTimestamp();
            _ = l.Item();
            Add("item", Us(t));
            Add("STEP TOTAL", Us(stepStart));
        }
        int gen0 = GC.CollectionCount(0) - gen0Start;
        double pauseUs = (GC.GetTotalPauseDuration() - pauseStart).TotalMicroseconds;
        double allocKb = (GC.GetTotalAllocatedBytes(precise: true) - allocStart) / 1024.0 / steps;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"threads {threads}, batch {batch}, {steps} steps, step {(alternateStep ? "alternately after and in the backward" : stepAfter ? "after the backward" : "in the backward")}; gen0 collections per 469 steps: {gen0 * 469.0 / steps:F1}; GC pause per step {pauseUs / steps:F1} us; allocated per step {allocKb:F0} KB; gen1 total {GC.CollectionCount(1)}, gen2 total {GC.CollectionCount(2)}"));
        // Phases grouped by tag (one group unless --alternate-step), in the order they ran.
        foreach (var group in times.GroupBy(e => e.Key.EndsWith(']') ? e.Key[e.Key.LastIndexOf('[')..] : ""))
        {
            double sumMin = 0;
            foreach (var (name, list) in group)
            {
                list.Sort();
                if (!name.StartsWith("STEP TOTAL", StringComparison.Ordinal)) sumMin += list[0];
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name,-58} min {list[0],8:F1} us  median {list[list.Count / 2],8:F1} us"));
            }
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{"sum of phase minima " + group.Key,-58}     {sumMin,8:F1} us"));
        }
        GemmShapes(batch, threads);
        return 0;
    }

    /// <summary>Every GEMM of the step alone, back to back (min over repetitions), on 1 thread and on all.</summary>
    private static void GemmShapes(int batch, int threads)
    {
        int[] sizes = [784, 256, 192, 128, 64, 10];
        var gen = new Generator(1);
        var shapes = new List<(string Name, bool TA, bool TB, int M, int N, int K)>();
        for (int i = 0; i + 1 < sizes.Length; i++)
        {
            int inF = sizes[i], outF = sizes[i + 1];
            shapes.Add(($"fwd  x·Wᵀ  {batch}x{outF}x{inF}", false, true, batch, outF, inF));
            shapes.Add(($"bwd  gᵀ·x  {outF}x{inF}x{batch}", true, false, outF, inF, batch));
            if (i > 0) shapes.Add(($"bwd  g·W   {batch}x{inF}x{outF}", false, false, batch, inF, outF));
        }
        foreach (int t in threads > 1 ? new[] { 1, threads } : [1])
        {
            Gemm.MaxThreads = t;
            double total = 0;
            foreach (var (name, ta, tb, m, n, k) in shapes)
            {
                var a = Tensor.Randn([m * k], gen).ToArray<float>();
                var b = Tensor.Randn([k * n], gen).ToArray<float>();
                var c = new float[m * n];
                int lda = ta ? m : k, ldb = tb ? k : n;
                double best = double.MaxValue;
                for (int r = 0; r < 300; r++)
                {
                    long t0 = Stopwatch.GetTimestamp();
                    Gemm.Multiply(ta, tb, m, n, k, 1f, a, lda, b, ldb, 0f, c, n);
                    best = Math.Min(best, (Stopwatch.GetTimestamp() - t0) * 1e6 / Stopwatch.Frequency);
                }
                total += best;
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"gemm {t}T {name,-28} min {best,8:F1} us  {2.0 * m * n * k / best / 1e3,6:F1} GFLOPS"));
            }
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"gemm {t}T sum {total:F1} us"));
        }
        Gemm.MaxThreads = threads;
    }
}
