using System.CommandLine;
using Overfit.Cli.Infrastructure;
using Overfit.Data;
using Overfit.Landscape;
using Overfit.NN;
using Overfit.Optim;
using Overfit.Tensors;
using Spectre.Console;

namespace Overfit.Cli.Experiments;

/// <summary>The images the landscape experiment trains on and takes its batch from.</summary>
internal sealed record LandscapeData(ImageDataset Train, ImageDataset Test, string Source);

/// <summary>
/// <c>overfit landscape</c>: the chapter's loss landscape of a ReLU SimpleNetwork on Fashion-MNIST. It trains the
/// network (or loads it with --model), takes the first 256 test images as one batch, computes the top-2 Hessian
/// eigenpairs (power iteration with deflation), the Hutchinson trace and the spectral density, evaluates the loss on
/// the grid θ + λ1·v1 + λ2·v2 with λ in linspace(−1, 1, --grid), fits the chapter's Gaussian surface (offset held at
/// the largest loss) and runs SGD with momentum on the fitted surface for each weight decay. It writes the model and
/// the batch as safetensors so the spectrum can be recomputed with PyTorch.
/// </summary>
internal sealed partial class LandscapeExperiment : IExperiment
{
    public const int BatchSize = 256;
    public static readonly int[] Hidden = [256, 192, 128, 64];
    public static readonly double[] ChapterWeightDecays = [0, 6, 10, 18, 20];

    private readonly Func<RunContext, LandscapeData> _data;
    private readonly Option<string?> _model = new("--model") { Description = "Load the network from this safetensors file (PyTorch state-dict names) instead of training it" };
    private readonly Option<int?> _epochs = new("--epochs") { Description = "Training epochs (default from --budget: tiny 1, quick 1, full 5)" };
    private readonly Option<int?> _grid = new("--grid") { Description = "Grid points per axis of the surface (default from --budget: tiny 6, quick 15, full 30, the chapter's)" };
    private readonly Option<string?> _dataDirectory = new("--data") { Description = "Folder holding the Fashion-MNIST files (default: OVERFIT_DATA, the user cache, /usr/share/datasets)" };

    /// <param name="data">Where the images come from (default: Fashion-MNIST through the data locator).</param>
    public LandscapeExperiment(Func<RunContext, LandscapeData>? data = null) => _data = data ?? (c => FashionMnist(c.GetOption(_dataDirectory, null)));

    public string Name => "landscape";

    public string Description => "Loss landscape of a ReLU network: top Hessian eigenvalues, trace and density, the surface along the top eigenvectors with a fitted Gaussian, and weight decay moving SGD's end point";

    public IReadOnlyList<Option> Options => [_model, _epochs, _grid, _dataDirectory];

    private static LandscapeData FashionMnist(string? directory) =>
        new(Datasets.FashionMnist(train: true, directory), Datasets.FashionMnist(train: false, directory), "Fashion-MNIST");

    public ExperimentResult Run(RunContext context, ExperimentBudget budget)
    {
        string? modelPath = context.GetOption(_model, null);
        int epochs = context.GetOption(_epochs, null) ?? budget.Pick(1, 1, 5);
        int grid = context.GetOption(_grid, null) ?? budget.Pick(6, 15, 30);
        int trainCount = budget.Pick(2000, 10000, int.MaxValue);
        int maxIter = budget.Pick(10, 100, 100), traceIter = budget.Pick(5, 30, 100), densityIter = budget.Pick(10, 50, 100);
        if (epochs < 1) throw new ArgumentOutOfRangeException(nameof(epochs), epochs, $"--epochs: expected at least 1, got {epochs}");
        if (grid < 2) throw new ArgumentOutOfRangeException(nameof(grid), grid, $"--grid: expected at least 2 points per axis, got {grid}");
        if (modelPath is not null && !File.Exists(modelPath)) throw new FileNotFoundException($"--model: no file at {modelPath}", modelPath);

        var data = LoadData(context, budget);
        if (data.Test.Count < BatchSize) throw new InvalidOperationException($"the test set has {data.Test.Count} images; the landscape batch needs {BatchSize}");
        var model = new SimpleNetwork(new ReLU(), inputSize: data.Train.Channels * data.Train.Height * data.Train.Width, numLabels: 10, hidden: Hidden,
            generator: context.CreateGenerator(1));
        context.RecordSetting("data", data.Source);
        context.RecordSetting("model", $"SimpleNetwork ReLU {string.Join("-", Hidden)}");
        context.RecordSetting("batch", $"the first {BatchSize} test images");
        context.RecordSetting("grid", grid);
        context.RecordSetting("power_iteration", $"maxIter {maxIter}, tol 1e-3");
        context.RecordSetting("hutchinson_samples", traceIter);
        context.RecordSetting("lanczos_steps", densityIter);
        if (modelPath is not null)
        {
            Checkpoint.Load(model, modelPath);
            context.RecordSetting("model_file", Path.GetFullPath(modelPath));
        }
        else
        {
            var train = trainCount < data.Train.Count ? data.Train.Take(trainCount) : data.Train;
            context.RecordSetting("training", $"Adam lr 1e-3, batch 128, {epochs} epoch(s) on {train.Count} images");
            var trainer = new Trainer(model, new Adam(model.Parameters(), lr: 1e-3), new CrossEntropyLoss(), evaluationsPerEpoch: 1);
            context.Track("training", epochs, tick =>
            {
                trainer.Callbacks.Add(new EpochEndCallback((_, _) => tick.Advance()));
                trainer.Fit(new DataLoader(train, 128, shuffle: true, seed: (ulong)context.Seed), null, epochs);
            });
        }
        model.Eval();

        var batch = FlatBatch(data.Test);
        Tensor Loss(Tensor output, Batch b) => Functional.CrossEntropy(output, b.Labels!);
        var analysis = new HessianAnalysis(model, Loss, [batch]);
        var top = context.Track("top-2 Hessian eigenpairs", 1, tick => { var r = analysis.TopEigen(2, maxIter, 1e-3, (ulong)context.Seed); tick.Advance(); return r; });
        var lanczos = analysis.TopEigenLanczos(2, Math.Min(40, densityIter), (ulong)context.Seed);
        var trace = analysis.Trace(traceIter, 1e-3, (ulong)context.Seed);
        var density = analysis.Density(densityIter, 1, (ulong)context.Seed);

        var lambdas = Linspace(-1, 1, grid);
        var surface = new LossSurface(model, Loss, [batch]);
        var z = context.Track("loss surface", 1, tick => { var r = surface.Plane(top.Eigenvectors[0], top.Eigenvectors[1], lambdas, lambdas); tick.Advance(); return r; });
        var (xs, ys, zs) = Flatten(lambdas, z);
        var (fit, offset) = GaussianSurface.Fit(xs, ys, zs);
        var runs = SurfaceTrajectories.WeightDecaySweep(fit.Parameters, offset, ChapterWeightDecays);

        Checkpoint.Save(model, context.PathFor("model.safetensors"));
        context.RecordFile("model.safetensors");
        Checkpoint.Write(new Dictionary<string, Tensor> { ["x"] = batch.Inputs }, context.PathFor("batch.safetensors"),
            int64: new Dictionary<string, long[]> { ["y"] = Array.ConvertAll(batch.Labels!, l => (long)l) });
        context.RecordFile("batch.safetensors");

        var table = new ResultTable("Weight decay on the fitted surface (SGD lr 0.1, momentum 0.7, 200 iterations from (-1, 1))",
            "weight decay", "first loss", "final x", "final y", "final loss");
        foreach (var r in runs) table.AddRow(r.WeightDecay, Math.Round(r.FirstLoss, 4), Math.Round(r.FinalPosition[0], 4), Math.Round(r.FinalPosition[1], 4), Math.Round(r.FinalLoss, 4));
        context.Console.WriteLine($"top eigenvalues: {top.Eigenvalues[0]:G6}, {top.Eigenvalues[1]:G6}; trace ≈ {trace.Trace:G6}");
        context.Console.WriteLine($"popt [A, x0, y0, σx, σy] = [{string.Join(", ", fit.Parameters.Select(p => p.ToString("F8", System.Globalization.CultureInfo.InvariantCulture)))}], offset {offset:F5}");

        var metrics = new Dictionary<string, object?>
        {
            ["top_eigenvalues"] = top.Eigenvalues,
            ["power_iterations"] = top.Iterations,
            ["top_eigenvalues_lanczos"] = lanczos.Eigenvalues,
            ["trace"] = trace.Trace,
            ["trace_samples"] = trace.Samples.Length,
            ["batch_loss"] = analysis.Loss(),
            ["popt"] = fit.Parameters,
            ["popt_std"] = fit.StandardErrors,
            ["offset"] = offset,
            ["density_nodes"] = density.Nodes[0],
            ["density_weights"] = density.Weights[0],
            ["trajectories"] = runs.Select(TrajectoryJson).ToList(),
        };
        var figures = new List<FigureRecord>
        {
            context.SaveFigure(DrawFittedSurface(fit.Parameters, offset, runs), "landscape-weight-decay",
                "Fitted Gaussian surface along the top-2 Hessian eigenvectors with SGD's end point for each weight decay"),
            context.SaveFigure(DrawSurface(lambdas, z), "landscape-surface", "Cross-entropy on the grid θ + λ1·v1 + λ2·v2: heat map with contours, and a 3-D wireframe"),
            context.SaveFigure(DrawDensity(density), "landscape-density", "Hessian eigenvalue density by stochastic Lanczos quadrature"),
        };
        return new ExperimentResult(metrics, figures, [table]);
    }

    /// <summary>The trajectory's JSON shape, shared with <c>overfit landscape trajectories --json</c>.</summary>
    internal static Dictionary<string, object?> TrajectoryJson(SurfaceTrajectory r) => new()
    {
        ["weight_decay"] = r.WeightDecay,
        ["first_loss"] = r.FirstLoss,
        ["final_w"] = r.FinalPosition,
        ["final_loss"] = r.FinalLoss,
    };

    /// <summary>The first 256 test images flattened to [256, 784] Float32 with their labels (the chapter's Subset(test, arange(256))).</summary>
    internal static Batch FlatBatch(ImageDataset test)
    {
        var b = test.GetBatch(Enumerable.Range(0, BatchSize).ToArray());
        return new Batch(b.Inputs.Reshape(BatchSize, -1).Contiguous(), b.Labels);
    }

    /// <summary>numpy.linspace(start, stop, n).astype(float32), as doubles.</summary>
    internal static double[] Linspace(double start, double stop, int n) =>
        Enumerable.Range(0, n).Select(i => (double)(float)(n == 1 ? start : start + (stop - start) * i / (n - 1))).ToArray();

    /// <summary>x (along v1), y (along v2) and z of every grid point.</summary>
    private static (double[] X, double[] Y, double[] Z) Flatten(double[] lambdas, double[,] z)
    {
        int n = lambdas.Length;
        var (x, y, v) = (new double[n * n], new double[n * n], new double[n * n]);
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++) (x[i * n + j], y[i * n + j], v[i * n + j]) = (lambdas[i], lambdas[j], z[i, j]);
        return (x, y, v);
    }
}
