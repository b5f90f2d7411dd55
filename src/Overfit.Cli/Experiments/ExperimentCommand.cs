using System.CommandLine;
using Overfit.Cli.Infrastructure;

namespace Overfit.Cli.Experiments;

/// <summary>Turns an <see cref="IExperiment"/> into an <c>overfit &lt;name&gt;</c> command with the shared options.</summary>
internal static class ExperimentCommand
{
    /// <summary>The command of <paramref name="experiment"/>: shared options, its own options, and <c>--json</c> printing <see cref="IExperiment.JsonSummary"/>.</summary>
    public static Command Create(IExperiment experiment)
    {
        ArgumentNullException.ThrowIfNull(experiment);
        var leafName = experiment.Name.Split(' ', StringSplitOptions.RemoveEmptyEntries)[^1];
        var command = new Command(leafName, experiment.Description);
        var common = new CommonOptions(BudgetLevel.Full);
        common.AddTo(command);
        foreach (var option in experiment.Options)
        {
            RequireFiniteNumbers(option);
            command.Options.Add(option);
        }
        command.SetAction(parse =>
        {
            var settings = common.Read(parse, experiment.Name);
            var output = CliOutput.From(parse, settings.Json);
            var json = settings.Json ? new JsonOutput(output.Stdout) : null;
            return CommandGuard.Run(output.Stderr, () =>
            {
                using var folder = RunDirectory.Create(settings.OutDirectory, experiment.Name, DateTime.UtcNow);
                var record = ExperimentRunner.Run(experiment, folder.Path, settings.Seed, settings.Budget, output, parse, writeMetricsOnInputError: false);
                if (record.InputError) folder.Discard(); // bad arguments: no run folder, no failed metrics.json
                json?.Write(record.Succeeded ? System.Text.Json.JsonSerializer.Serialize(experiment.JsonSummary(record), RunRecord.JsonOptions) : record.ToJson());
                if (!record.Succeeded) throw new InvalidOperationException(record.Error);
                ExperimentRunner.PrintSummary(record, output.Human);
                return 0;
            }, json, experiment.Name);
        });
        return command;
    }

    /// <summary>
    /// Number options take finite values only: "NaN" and "Infinity" parse as doubles, and would run the whole experiment
    /// on them (a table of NaN) instead of failing on the command line. Added once per option, whatever its experiment.
    /// </summary>
    private static void RequireFiniteNumbers(Option option)
    {
        if (option.ValueType != typeof(double) && option.ValueType != typeof(double?) && option.ValueType != typeof(double[])) return;
        if (!FiniteChecked.TryAdd(option, FiniteChecked)) return; // one validator per option, even when commands are rebuilt
        option.Validators.Add(result =>
        {
            foreach (var token in result.Tokens)
                if (double.TryParse(token.Value, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out double v) && !double.IsFinite(v))
                    result.AddError($"{option.Name}: expected a finite number, got '{token.Value}'");
        });
    }

    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<Option, object> FiniteChecked = new();

    /// <summary>
    /// Adds the command of every experiment under <paramref name="root"/>; a name with a space such as
    /// "gp bike-route" goes under a parent command "gp", created on first use.
    /// </summary>
    public static void AddAll(Command root, IEnumerable<IExperiment> experiments)
    {
        ArgumentNullException.ThrowIfNull(root);
        foreach (var experiment in experiments)
        {
            var parts = experiment.Name.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            var parent = root;
            foreach (var part in parts[..^1])
            {
                var existing = parent.Subcommands.FirstOrDefault(c => c.Name == part);
                if (existing is null)
                {
                    existing = new Command(part, $"{part} experiments");
                    parent.Subcommands.Add(existing);
                }
                parent = existing;
            }
            parent.Subcommands.Add(Create(experiment));
        }
    }
}
