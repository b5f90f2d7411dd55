using System.CommandLine;
using System.CommandLine.Help;
using Overfit.Cli.Commands;
using Overfit.Cli.Experiments;

namespace Overfit.Cli;

public static class Program
{
    public static int Main(string[] args) => BuildRoot().Parse(args).Invoke();

    /// <summary>The command tree; named `overfit` whatever the host executable is called.</summary>
    public static Command BuildRoot()
    {
        var root = new Command("overfit", "overfit: understand and prevent overfitting — the chapter's experiments, with figures and tables.");
        root.Options.Add(new HelpOption());
        root.Options.Add(new VersionOption());
        root.Subcommands.Add(InfoCommand.Create());
        ExperimentCommand.AddAll(root, ExperimentRegistry.All);
        root.Subcommands.Add(TourCommand.Create());
        root.Subcommands.Add(DataCommand.Create());
        root.Subcommands.Add(StudyCommand.Create());
        return root;
    }
}
