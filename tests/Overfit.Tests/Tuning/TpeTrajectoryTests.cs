using System.Text.Json;
using Overfit.BayesianOptimization;
using Overfit.Tensors;
using Overfit.Tuning;

namespace Overfit.Tests.Tuning;

/// <summary>
/// Whole TPE runs against Optuna 3.1's TPESampler given the same uniform numbers: the fixture script hands Optuna's
/// sampler (and its startup RandomSampler) the xoshiro256** stream of <c>Generator(seed)</c>, so every decision — the
/// random startup trials, the split at each history length, the weight ramp, the bandwidths, the 24 candidates drawn
/// from the truncated mixture and the l/g arg-max — must come out the same, trial after trial, here. Cases: Branin
/// (100 trials, 5 seeds), Hartmann6, Branin with pruned trials, a space of log float, int, log int, stepped float and
/// categorical parameters, and multivariate TPE on the last two. Further cases are plain Optuna runs on numpy's
/// streams — <c>TPESampler(seed=seed)</c> and <c>RandomSampler(seed=seed)</c> — which the seeded samplers here
/// reproduce as they are, since they draw from numpy's <c>RandomState(seed)</c> (<see cref="NumpyRandomState"/>).
/// </summary>
public class TpeTrajectoryTests
{
    private static readonly Lazy<JsonDocument> Fixture = new(() => JsonDocument.Parse(File.ReadAllText(
        Path.Combine(AppContext.BaseDirectory, "fixtures", "reference", "tuning", "tpe_trajectory.json"))));

    private static readonly string[] Choices = ["a", "b", "c"];

    private static Func<Trial, double> Objective(string func)
    {
        var branin = new Branin();
        var hartmann = Hartmann.SixD();
        return func switch
        {
            "branin" => t => branin.Evaluate([t.SuggestFloat("x0", -5, 10), t.SuggestFloat("x1", 0, 15)]),
            "hartmann6" => t => hartmann.Evaluate(Enumerable.Range(0, 6).Select(i => t.SuggestFloat($"x{i}", 0, 1)).ToArray()),
            "branin_pruned" => t =>
            {
                double v = branin.Evaluate([t.SuggestFloat("x0", -5, 10), t.SuggestFloat("x1", 0, 15)]);
                t.Report(v, 0);
                if (t.Number % 5 == 3) throw new TrialPrunedException();
                return v;
            },
            "mixed" => t =>
            {
                double p0 = t.SuggestFloat("p0", 1e-5, 1.0, log: true);
                int p1 = t.SuggestInt("p1", 4, 128), p2 = t.SuggestInt("p2", 1, 64, log: true);
                double p3 = t.SuggestFloat("p3", 0.0, 0.5, step: 0.05);
                string p4 = t.SuggestCategorical("p4", Choices);
                return Math.Pow(Math.Log10(p0) + 3, 2) + Math.Pow((p1 - 40) / 30.0, 2) + Math.Pow(Math.Log2(p2) - 3, 2) / 4
                    + Math.Pow(4 * (p3 - 0.2), 2) + p4 switch { "a" => 1.0, "b" => 0.0, _ => 0.5 };
            },
            _ => throw new ArgumentException($"unknown fixture objective {func}", nameof(func)),
        };
    }

    public static IEnumerable<object[]> Cases() => Enumerable.Range(0, 24).Select(i => new object[] { i });

    [Theory]
    [MemberData(nameof(Cases))]
    public void ReproducesOptunasRunOnTheSameStream(int index)
    {
        var root = Fixture.Value.RootElement;
        var cases = root.GetProperty("cases");
        Assert.Equal(24, cases.GetArrayLength());
        var c = cases[index];
        string func = c.GetProperty("func").GetString()!;
        long seed = c.GetProperty("seed").GetInt64();
        var options = c.GetProperty("options");
        bool multivariate = options.TryGetProperty("multivariate", out var mv) && mv.GetBoolean();
        bool random = options.TryGetProperty("sampler", out var kind) && kind.GetString() == "random";
        var expected = c.GetProperty("trials");
        bool numpy = c.GetProperty("stream").GetString() == "numpy";
        ISampler sampler = random ? new RandomSampler((ulong)seed)
            : numpy ? new TpeSampler(seed: (ulong)seed, multivariate: multivariate)
            : new TpeSampler(new Generator((ulong)seed).NextDouble, new Generator((ulong)seed).NextDouble, multivariate);
        var study = Study.Create(sampler: sampler, pruner: new NopPruner());
        if (func == "mixed" && !numpy)
            foreach (var p in root.GetProperty("mixed_startup").EnumerateArray())
                study.EnqueueTrial(p.EnumerateObject().ToDictionary(e => e.Name,
                    e => e.Value.ValueKind == JsonValueKind.String ? e.Value.GetString() : (object?)e.Value.GetDouble()));
        study.Optimize(Objective(func), nTrials: expected.GetArrayLength());
        string label = $"{func} seed {seed}{(random ? " random" : "")}{(multivariate ? " multivariate" : "")}{(numpy ? " numpy" : "")}";
        // From a trial whose pick was a tie between different values (a categorical's l/g equal for two choices) the
        // last bit decides, and the runs may part; everything before it must agree.
        int compared = c.GetProperty("first_tie") is { ValueKind: JsonValueKind.Number } tie ? tie.GetInt32() : expected.GetArrayLength();
        Assert.True(compared >= 27, $"{label}: only {compared} trials before the first tie");
        for (int n = 0; n < compared; n++)
        {
            var row = expected[n];
            var trial = study.Trials[n];
            Assert.True(row[2].GetString() == trial.State.ToString().ToUpperInvariant(), $"{label}, trial {n}: state {trial.State}, Optuna {row[2].GetString()}");
            var values = row[0].EnumerateArray().ToArray();
            var names = trial.Params.Keys.Order(StringComparer.Ordinal).ToArray();
            Assert.Equal(values.Length, names.Length);
            for (int j = 0; j < names.Length; j++)
            {
                object? ours = trial.Params[names[j]];
                if (values[j].ValueKind == JsonValueKind.String)
                    Assert.True(values[j].GetString() == (string?)ours, $"{label}, trial {n}, {names[j]}: {ours}, Optuna {values[j].GetString()}");
                else
                {
                    double want = values[j].GetDouble(), got = Convert.ToDouble(ours, System.Globalization.CultureInfo.InvariantCulture);
                    Assert.True(Math.Abs(got - want) <= 1e-9 * Math.Max(1, Math.Abs(want)), $"{label}, trial {n}, {names[j]}: {got:R}, Optuna {want:R}");
                }
            }
            if (row[1].ValueKind == JsonValueKind.Number)
                Assert.True(Math.Abs(trial.Value!.Value - row[1].GetDouble()) <= 1e-9 * Math.Max(1, Math.Abs(row[1].GetDouble())), $"{label}, trial {n}: value {trial.Value}, Optuna {row[1].GetDouble()}");
        }
    }

    [Fact]
    public void NumpyRandomStateDrawsNumpysNumbers()
    {
        // numpy.random.RandomState(seed).random_sample(3) and the 1,000th draw (Debian python3-numpy).
        (ulong Seed, double[] First, double Thousandth)[] expected =
        [
            (0, [0.5488135039273248, 0.7151893663724195, 0.6027633760716439], 0.6771411441114241),
            (1, [0.417022004702574, 0.7203244934421581, 0.00011437481734488664], 0.7744772660150796),
            (12345, [0.9296160928171479, 0.3163755545817859, 0.18391881167709445], 0.30860519994571),
            (4294967295, [0.0976320289940138, 0.9123828453026218, 0.78903530185164], 0.556626859384112),
            // Seeds numpy refuses as integers, seeded by their 32-bit halves: RandomState([low, high]).
            (1099511627781, [0.5043802970418443, 0.2686044399723282, 0.9257865475671585], 0.8339863868477599),
            (ulong.MaxValue, [0.021825695401270107, 0.3380953268613758, 0.21196748656082065], 0.9009945166016444),
        ];
        foreach (var (seed, first, thousandth) in expected)
        {
            var rng = new NumpyRandomState(seed);
            var draws = Enumerable.Range(0, 1000).Select(_ => rng.NextDouble()).ToArray();
            Assert.Equal(first, draws[..3]);
            Assert.Equal(thousandth, draws[999]);
        }
    }
}
