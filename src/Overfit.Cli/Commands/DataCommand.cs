using System.CommandLine;
using System.Text.Json;
using Overfit.Data.Sources;

namespace Overfit.Cli.Commands;

/// <summary>
/// `overfit data list | check NAME | download NAME`: where each dataset was found (or every place looked
/// at), md5 verification of a dataset, and a verified download into the user cache.
/// </summary>
internal static partial class DataCommand
{
    /// <summary>The command; <paramref name="locator"/> and <paramref name="catalog"/> replace the machine's lookup roots and the built-in datasets (tests).</summary>
    public static Command Create(DataLocator? locator = null, IReadOnlyList<DatasetInfo>? catalog = null)
    {
        catalog ??= DatasetCatalog.All;
        var dataDir = new Option<string?>("--data-dir") { Description = $"Look here first (before ${DataLocator.EnvironmentVariable}, the user cache and {DataLocator.DebianDatasetsRoot})", Recursive = true };
        var cmd = new Command("data", "Find, verify and download the datasets (Fashion-MNIST, MNIST, CIFAR-10, CIFAR-100)") { dataDir };
        DataLocator Locator(ParseResult parse) => locator ?? DataLocator.CreateDefault(parse.GetValue(dataDir));
        cmd.Subcommands.Add(CreateList(Locator, catalog));
        cmd.Subcommands.Add(CreateCheck(Locator, catalog));
        cmd.Subcommands.Add(CreateDownload(Locator, catalog));
        return cmd;
    }

    private static Command CreateList(Func<ParseResult, DataLocator> locatorOf, IReadOnlyList<DatasetInfo> catalog)
    {
        var json = new Option<bool>("--json") { Description = "Print one JSON object per dataset" };
        var cmd = new Command("list", "List each dataset and where it was found, or every place looked at") { json };
        cmd.SetAction(parse =>
        {
            TextWriter output = parse.InvocationConfiguration.Output;
            DataLocator locator = locatorOf(parse);
            foreach (var dataset in catalog)
            {
                LocateResult result = locator.Locate(dataset);
                if (parse.GetValue(json))
                {
                    output.WriteLine(JsonSerializer.Serialize(new Dictionary<string, object?>
                    {
                        ["dataset"] = dataset.Name,
                        ["found"] = result.Found,
                        ["directory"] = result.Directory,
                        ["looked_in"] = result.Attempts.Select(a => $"{a.Directory}: {a.Detail}").ToArray(),
                    }));
                    continue;
                }
                if (result.Found)
                {
                    var where = result.Attempts.Last();
                    output.WriteLine($"{dataset.Name,-13} found in {result.Directory} ({where.Root.Describe()})");
                }
                else
                {
                    output.WriteLine($"{dataset.Name,-13} not found; looked in:");
                    foreach (var a in result.Attempts) output.WriteLine($"{"",-15}{a.Directory}: {a.Detail}");
                    if (dataset.DebianPackage is not null) output.WriteLine($"{"",-15}get it with: apt-get install {dataset.DebianPackage}   or: overfit data download {dataset.Name}");
                    else output.WriteLine($"{"",-15}get it with: overfit data download {dataset.Name}");
                }
            }
            return 0;
        });
        return cmd;
    }

    private static Command CreateCheck(Func<ParseResult, DataLocator> locatorOf, IReadOnlyList<DatasetInfo> catalog)
    {
        var name = new Argument<string>("NAME") { Description = $"Dataset name: {string.Join(", ", catalog.Select(d => d.Name))}" };
        var cmd = new Command("check", "Verify a dataset's files (md5); exit code 0 only when it is present and verified") { name };
        cmd.SetAction(parse =>
        {
            TextWriter output = parse.InvocationConfiguration.Output, error = parse.InvocationConfiguration.Error;
            if (!TryFind(parse.GetValue(name)!, catalog, error, out var dataset)) return 2;
            LocateResult result = locatorOf(parse).Locate(dataset);
            // The first corrupt copy is reported file by file when no verified copy exists; otherwise it is a warning.
            string? checkedDirectory = result.Directory ?? result.CorruptCopies.FirstOrDefault()?.Directory;
            if (checkedDirectory is null)
            {
                error.WriteLine(new DataNotFoundException(result).Message);
                return 1;
            }
            if (result.Found)
                foreach (var skipped in result.CorruptCopies) error.WriteLine($"warning: {skipped.Directory}: {skipped.Detail}");
            output.WriteLine($"{dataset.Name}: checking {checkedDirectory}");
            var checks = DatasetVerifier.Verify(dataset, checkedDirectory);
            foreach (var c in checks) output.WriteLine($"  {(c.Ok ? "ok  " : "FAIL")} {c.Name}: {c.Detail}");
            bool ok = checks.All(c => c.Ok);
            (ok ? output : error).WriteLine(ok ? $"{dataset.Name} is present and verified." : $"{dataset.Name} failed verification in {checkedDirectory}.");
            return ok ? 0 : 1;
        });
        return cmd;
    }

    private static bool TryFind(string name, IReadOnlyList<DatasetInfo> catalog, TextWriter error, out DatasetInfo dataset)
    {
        try
        {
            dataset = DatasetCatalog.Find(name, catalog);
            return true;
        }
        catch (ArgumentException e)
        {
            // The message already names the argument; drop .NET's "(Parameter 'name')" suffix on the console.
            error.WriteLine(e.ParamName is null ? e.Message : e.Message.Replace($" (Parameter '{e.ParamName}')", ""));
            dataset = null!;
            return false;
        }
    }
}
