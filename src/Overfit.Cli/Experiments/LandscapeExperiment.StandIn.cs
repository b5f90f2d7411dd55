using Overfit.Data;
using Overfit.Data.Sources;
using Overfit.Cli.Infrastructure;

namespace Overfit.Cli.Experiments;

internal sealed partial class LandscapeExperiment
{
    /// <summary>
    /// Fashion-MNIST through the data locator. A tiny-budget run (the tour's smoke pass) on a machine without the
    /// dataset uses seeded 28×28 ten-class stand-in images instead and says so in the report; quick and full runs
    /// need the real data and fail with the locator's message.
    /// </summary>
    private LandscapeData LoadData(RunContext context, ExperimentBudget budget) => WithStandIn(context, budget, () => _data(context),
        () => new LandscapeData(StandInImages(2000, context.Seed), StandInImages(BatchSize, context.Seed + 1), "synthetic 28×28 ten-class stand-in (Fashion-MNIST not found)"));

    /// <summary>
    /// <paramref name="load"/>, or on a tiny budget when its data set is missing, <paramref name="standIn"/> with a note
    /// that says so (the one fallback of every experiment on Fashion-MNIST).
    /// </summary>
    internal static T WithStandIn<T>(RunContext context, ExperimentBudget budget, Func<T> load, Func<T> standIn)
    {
        try
        {
            return load();
        }
        catch (DataNotFoundException e) when (budget.Pick(true, false, false))
        {
            context.Note($"Fashion-MNIST was not found ({e.Message.Split('\n')[0]}); this tiny run uses seeded 28×28 stand-in images " +
                "(one blurred template per class plus noise). Install it (apt-get install dataset-fashion-mnist) or run `overfit data download FashionMNIST` for the chapter's data.");
            return standIn();
        }
    }

    /// <summary>Ten classes, each a fixed smooth blob pattern, drawn with per-pixel noise from the seed (also the tiny HPO run's stand-in).</summary>
    internal static ImageDataset StandInImages(int count, long seed)
    {
        const int Side = 28, Classes = 10;
        var random = new Random(unchecked((int)seed));
        var pixels = new byte[checked((long)count * Side * Side)];
        var labels = new int[count];
        for (int i = 0; i < count; i++)
        {
            int label = i % Classes;
            labels[i] = label;
            double cx = 7 + 14 * (label % 5) / 4.0, cy = label < 5 ? 9 : 19, radius = 4 + label % 3;
            for (int r = 0; r < Side; r++)
                for (int c = 0; c < Side; c++)
                {
                    double d2 = ((r - cy) * (r - cy) + (c - cx) * (c - cx)) / (radius * radius);
                    double value = 200 * Math.Exp(-d2) + 40 * random.NextDouble();
                    pixels[(long)i * Side * Side + r * Side + c] = (byte)Math.Clamp(value, 0, 255);
                }
        }
        var names = Enumerable.Range(0, Classes).Select(k => $"pattern {k}").ToArray();
        return new ImageDataset(pixels, count, 1, Side, Side, labels, names);
    }
}
