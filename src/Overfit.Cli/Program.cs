using System.CommandLine;
using System.CommandLine.Help;
using Overfit.Cli.Commands;
using Overfit.Cli.Experiments;

namespace Overfit.Cli;

internal static class Program
{
    public static int Main(string[] args) => Invoke(BuildRoot(), args, new InvocationConfiguration());

    /// <summary>
    /// Parses and runs <paramref name="args"/>. On a parse error everything for people (the errors, suggestions and the
    /// command's help) goes to standard error, so standard output stays machine-readable; with <c>--json</c> it carries
    /// one JSON object with the errors.
    /// </summary>
    public static int Invoke(Command root, string[] args, InvocationConfiguration configuration)
    {
        var parse = root.Parse(args);
        if (parse.Errors.Count == 0 || parse.Action is not System.CommandLine.Invocation.ParseErrorAction) return parse.Invoke(configuration);
        if (args.Contains("--json"))
            configuration.Output.WriteLine(System.Text.Json.JsonSerializer.Serialize(new Dictionary<string, object?>
            {
                ["command"] = parse.CommandResult.Command.Name,
                ["status"] = "failed",
                ["error"] = string.Join("; ", parse.Errors.Select(e => e.Message)),
            }));
        return parse.Invoke(new InvocationConfiguration { Output = configuration.Error, Error = configuration.Error });
    }

    /// <summary>The command tree; named `overfit` whatever the host executable is called.</summary>
    public static Command BuildRoot()
    {
        var root = new Command("overfit", "overfit: understand and prevent overfitting — the chapter's experiments, with figures and tables.");
        root.Options.Add(new HelpOption());
        root.Options.Add(new VersionOption());
        root.Subcommands.Add(InfoCommand.Create());
        root.Subcommands.Add(ExperimentCommand.Create(new HpoExperiment())); // `hpo compare` (registered) goes under it
        ExperimentCommand.AddAll(root, ExperimentRegistry.All);
        root.Subcommands.First(c => c.Name == "landscape").Subcommands.Add(LandscapeTrajectoriesCommand.Create());
        root.Subcommands.Add(TourCommand.Create());
        root.Subcommands.Add(DataCommand.Create());
        root.Subcommands.Add(StudyCommand.Create());
        root.Subcommands.Add(DashboardCommand.Create());
        return root;
    }
}
