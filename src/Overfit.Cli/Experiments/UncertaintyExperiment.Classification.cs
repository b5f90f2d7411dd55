using Overfit.Cli.Infrastructure;
using Overfit.Data;
using Overfit.Data.Transforms;
using Overfit.NN;
using Overfit.Optim;
using Overfit.Tensors;

namespace Overfit.Cli.Experiments;

internal sealed partial class UncertaintyExperiment
{
    /// <summary>Rotation angles of the test images, in degrees.</summary>
    private static readonly int[] Angles = [0, 15, 30, 45, 60, 75, 90, 105, 120, 135, 150, 165, 180];

    /// <summary>Mean MC dropout predictive entropy, mutual information and accuracy over one set of inputs.</summary>
    private sealed record InputSetResult(string Name, double Entropy, double MutualInformation, double Accuracy);

    private sealed record ClassificationOutcome(string DataName, int TrainImages, int Epochs, int Samples, IReadOnlyList<InputSetResult> Rotations, IReadOnlyList<InputSetResult> OutOfDomain)
    {
        public InputSetResult InDomain => Rotations[0];

        public Dictionary<string, object?> ToMetrics() => new()
        {
            ["data"] = DataName,
            ["train_images"] = TrainImages,
            ["epochs"] = Epochs,
            ["samples"] = Samples,
            ["angles"] = Angles,
            ["entropy_by_angle"] = Rotations.Select(r => r.Entropy).ToArray(),
            ["mutual_information_by_angle"] = Rotations.Select(r => r.MutualInformation).ToArray(),
            ["accuracy_by_angle"] = Rotations.Select(r => r.Accuracy).ToArray(),
            ["entropy_in_domain"] = InDomain.Entropy,
            ["entropy_out_of_domain"] = OutOfDomain.ToDictionary(o => o.Name, o => (object?)o.Entropy),
            // Reported as measured: rotations leave the training distribution gradually; far-out inputs can still be confident.
            ["entropy_rises_when_rotated"] = Rotations.Skip(1).SkipLast(1).Average(r => r.Entropy) > InDomain.Entropy,
            ["entropy_rises_out_of_domain"] = OutOfDomain.ToDictionary(o => o.Name, o => (object?)(o.Entropy > InDomain.Entropy)),
        };

        public ResultTable Table()
        {
            var table = new ResultTable($"MC dropout predictive entropy on {DataName} (nats; the maximum for 10 classes is ln 10 = 2.303)",
                "inputs", "mean entropy", "mean mutual information", "accuracy");
            foreach (var r in new[] { Rotations[0], Rotations[3], Rotations[6], Rotations[^1] }.Concat(OutOfDomain))
                table.AddRow(r.Name, Math.Round(r.Entropy, 4), Math.Round(r.MutualInformation, 4), double.IsNaN(r.Accuracy) ? "—" : Math.Round(r.Accuracy, 4));
            return table;
        }
    }

    private static ClassificationOutcome RunClassification(RunContext context, ExperimentBudget budget, string? dataDirectory)
    {
        int trainCount = budget.Pick(2000, 10000, 60000), testCount = budget.Pick(300, 1000, 2000);
        int epochs = budget.Pick(2, 3, 10), samples = budget.Pick(20, 50, 100);
        var (train, test, name) = LoadImages(context, budget, dataDirectory);
        train = train.Take(Math.Min(trainCount, train.Count));
        test = test.Take(Math.Min(testCount, test.Count));
        context.RecordSetting("classification_model", "Flatten → Linear(784, 256) → ReLU → Dropout(0.5) → Linear(256, 10), Adam 1e-3, batch 128");
        context.RecordSetting("classification_data", $"{name}: {train.Count} training images, {epochs} epochs; {test.Count} test images, T = {samples}");

        var generator = context.CreateGenerator(2);
        var model = new Sequential(new Flatten(), new Linear(784, 256, generator: generator), new ReLU(), new Dropout(0.5, generator), new Linear(256, 10, generator: generator));
        var trainer = new Trainer(model, new Adam(model.Parameters(), lr: 1e-3), new CrossEntropyLoss(), evaluationsPerEpoch: 1);
        context.Track($"training the {name} classifier", epochs, tick =>
        {
            trainer.Callbacks.Add(new EpochEndCallback((_, _) => tick.Advance()));
            trainer.Fit(new DataLoader(train, 128, shuffle: true, seed: (ulong)context.Seed), null, epochs);
        });

        var predictor = new McDropoutPredictor(model, samples);
        var images = test.ToTensor();
        var rotations = context.Track("MC dropout on rotated test images", Angles.Length, tick => Angles.Select(angle =>
        {
            var result = Score(predictor, Rotated(images, angle), test.Labels, $"test images rotated {angle}°");
            tick.Advance();
            return result;
        }).ToList());
        var noise = Tensor.Rand(images.Shape, context.CreateGenerator(3));
        var inverted = images.Neg().Add(1.0);
        var outOfDomain = new List<InputSetResult>
        {
            Score(predictor, inverted, test.Labels, "inverted test images (1 − x)"),
            Score(predictor, noise, null, "uniform noise images"),
        };
        return new ClassificationOutcome(name, train.Count, epochs, samples, rotations, outOfDomain);
    }

    private static InputSetResult Score(McDropoutPredictor predictor, Tensor images, int[]? labels, string name)
    {
        var p = predictor.PredictClassification(images);
        double accuracy = labels is null ? double.NaN : p.Predicted.Where((c, i) => c == labels[i]).Count() / (double)labels.Length;
        return new InputSetResult(name, p.Entropy.Average(), p.MutualInformation.Average(), accuracy);
    }

    /// <summary>Every image [N, 1, 28, 28] rotated counter-clockwise by <paramref name="degrees"/> (bilinear, black outside).</summary>
    private static Tensor Rotated(Tensor images, double degrees)
    {
        if (degrees == 0) return images;
        var source = images.ToArray<float>();
        var target = new float[source.Length];
        int c = images.Shape[1], h = images.Shape[2], w = images.Shape[3], size = c * h * w;
        for (long offset = 0; offset < source.Length; offset += size)
            RandomRotation.Rotate<float>(source.AsSpan((int)offset, size), target.AsSpan((int)offset, size), c, h, w, degrees, 0f);
        return Tensor.FromArray(target, images.Shape);
    }

    /// <summary>
    /// Fashion-MNIST through the data locator; a tiny-budget run without it uses the landscape experiment's seeded stand-in
    /// images and says so (quick and full runs need the real data).
    /// </summary>
    private static (ImageDataset Train, ImageDataset Test, string Name) LoadImages(RunContext context, ExperimentBudget budget, string? directory) =>
        LandscapeExperiment.WithStandIn(context, budget,
            () => (Datasets.FashionMnist(train: true, directory), Datasets.FashionMnist(train: false, directory), "Fashion-MNIST"),
            () => (LandscapeExperiment.StandInImages(2000, context.Seed), LandscapeExperiment.StandInImages(300, context.Seed + 1), "stand-in images (Fashion-MNIST not found)"));
}
