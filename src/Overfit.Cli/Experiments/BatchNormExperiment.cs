using System.CommandLine;
using Overfit.Cli.Infrastructure;
using Overfit.Data.Synthetic;
using Overfit.Plotting;
using Overfit.Tensors;

namespace Overfit.Cli.Experiments;

/// <summary>Two-feature data for the batch-normalization demo, and where it came from (for the report).</summary>
internal sealed record FeatureSample(double[,] Features, string Source);

/// <summary>
/// <c>overfit batchnorm</c>: the chapter's two-feature demonstration of what mini-batch normalization
/// does to a batch — the original points, the normalized ones (γ=1, β=0) and the scaled-and-shifted
/// ones (γ=2, β=1), with each stage's per-feature mean and biased variance.
/// </summary>
internal sealed partial class BatchNormExperiment : IExperiment
{
    public const int Samples = 50;
    public const double Epsilon = 1e-5;

    private readonly Func<int, FeatureSample> _source;
    private readonly Option<double> _gamma = new("--gamma") { Description = "Scale γ of the third panel", DefaultValueFactory = _ => 2.0 };
    private readonly Option<double> _beta = new("--beta") { Description = "Shift β of the third panel", DefaultValueFactory = _ => 1.0 };

    /// <param name="source">
    /// Draws the 50×2 batch from a seed; by default the chapter's np.random.seed(seed); np.random.rand(50, 2) * 10
    /// (<see cref="ChapterFeatures"/>), so the default seed 42 prints the chapter's numbers.
    /// </param>
    public BatchNormExperiment(Func<int, FeatureSample>? source = null) => _source = source ?? ChapterFeatures;

    public string Name => "batchnorm";

    public string Description => "Batch normalization on a two-feature batch: original, normalized and scaled-and-shifted points with their statistics";

    public IReadOnlyList<Option> Options => [_gamma, _beta];

    /// <summary>The chapter's batch: NumPy's np.random.seed(seed); np.random.rand(50, 2) * 10, drawn by the NumPy-compatible RandomState.</summary>
    public static FeatureSample ChapterFeatures(int seed) =>
        new(ChapterData.BatchNormDemo(seed, Samples), "np.random.seed(seed); np.random.rand(50, 2) * 10 (NumPy-compatible RandomState)");

    /// <summary>50 points uniform on [0, 10)² from the library's own generator.</summary>
    public static FeatureSample UniformFeatures(int seed)
    {
        var values = Tensor.Uniform([Samples, 2], 0.0, 10.0, new Generator((ulong)seed), DType.Float64).ToDoubleArray();
        var features = new double[Samples, 2];
        Buffer.BlockCopy(values, 0, features, 0, values.Length * sizeof(double));
        return new FeatureSample(features, "uniform on [0, 10) from Overfit.Tensors.Generator");
    }

    public ExperimentResult Run(RunContext context, ExperimentBudget budget)
    {
        double gamma = context.GetOption(_gamma, 2.0);
        double beta = context.GetOption(_beta, 1.0);
        var sample = _source(context.Seed);
        var x = Tensor.FromArray(sample.Features);
        if (x.Rank != 2 || x.Size(1) != 2)
            throw new InvalidOperationException($"batchnorm data source: expected features of shape [n, 2], got [{string.Join(", ", x.Shape)}]");
        context.RecordSetting("samples", x.Size(0));
        context.RecordSetting("epsilon", Epsilon);
        context.RecordSetting("gamma", gamma);
        context.RecordSetting("beta", beta);
        context.RecordSetting("data", sample.Source);

        var (normalized, mean, variance) = Normalize(x, 1.0, 0.0);
        var (scaled, _, _) = Normalize(x, gamma, beta);
        var stages = new[]
        {
            new Stage("original", x, mean.ToDoubleArray(), variance.ToDoubleArray()),
            new Stage("normalized (γ=1, β=0)", normalized, Mean(normalized), Variance(normalized)),
            new Stage($"scaled and shifted (γ={gamma:G4}, β={beta:G4})", scaled, Mean(scaled), Variance(scaled)),
        };

        var table = new ResultTable("Batch statistics per feature (biased variance, as in the chapter)", "stage", "mean", "variance");
        foreach (var stage in stages) table.AddRow(stage.Label, stage.Mean, stage.Variance);

        var figure = DrawFigure(stages, gamma, beta);
        var saved = context.SaveFigure(figure, "batchnorm", "Original, normalized and scaled-and-shifted batch; diamonds mark each stage's mean");

        var metrics = new Dictionary<string, object?>
        {
            ["original_mean"] = stages[0].Mean,
            ["original_variance"] = stages[0].Variance,
            ["normalized_mean"] = stages[1].Mean,
            ["normalized_variance"] = stages[1].Variance,
            ["scaled_mean"] = stages[2].Mean,
            ["scaled_variance"] = stages[2].Variance,
        };
        return new ExperimentResult(metrics, [saved], [table]);
    }

    /// <summary>The chapter's batch_normalize: (x - mean) / sqrt(var + eps) * γ + β with the biased batch variance.</summary>
    public static (Tensor Output, Tensor Mean, Tensor Variance) Normalize(Tensor x, double gamma, double beta)
    {
        var mean = x.Mean(0);
        var variance = x.Var(0, unbiased: false);
        var normalized = x.Sub(mean).Div(variance.Add(Epsilon).Sqrt());
        return (normalized.Mul(gamma).Add(beta), mean, variance);
    }

    private static double[] Mean(Tensor x) => x.Mean(0).ToDoubleArray();

    private static double[] Variance(Tensor x) => x.Var(0, unbiased: false).ToDoubleArray();

    private sealed record Stage(string Label, Tensor Points, double[] Mean, double[] Variance);
}
