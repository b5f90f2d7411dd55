using System.CommandLine;
using Overfit.Cli.Experiments;
using Overfit.Data;
using Overfit.Data.Sources;
using Overfit.Tests.Data;

namespace Overfit.Cli.Tests.Hpo;

/// <summary>`overfit hpo` and `hpo compare` reading the fixture subsets instead of the full datasets.</summary>
internal static class HpoFixtures
{
    public static (ImageDataset, ImageDataset, string) Load(string dataset, string? directory)
    {
        if (dataset == "CIFAR100")
        {
            var store = new DatasetStore(DataLocator.CreateDefault(DataFixtures.FixturesRoot), allowDownload: false);
            return (store.Load(DataFixtures.Cifar100Subset, true), store.Load(DataFixtures.Cifar100Subset, false), "CIFAR-100-format fixture");
        }
        return (DatasetStore.LoadFrom(DataFixtures.FashionMnistSubset, DataFixtures.FashionMnistDirectory, true),
            DatasetStore.LoadFrom(DataFixtures.FashionMnistSubset, DataFixtures.FashionMnistDirectory, false), "Fashion-MNIST fixture subset");
    }

    /// <summary>A command tree with `hpo` and `hpo compare` as `overfit` builds them, on <paramref name="data"/>.</summary>
    public static Command Root(HpoDataLoader? data = null)
    {
        var root = new Command("overfit");
        root.Subcommands.Add(ExperimentCommand.Create(new HpoExperiment(data ?? Load)));
        ExperimentCommand.AddAll(root, [new HpoCompareExperiment(data ?? Load)]);
        return root;
    }
}
