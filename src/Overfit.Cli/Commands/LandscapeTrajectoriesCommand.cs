using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Overfit.Cli.Experiments;
using Overfit.Cli.Infrastructure;
using Overfit.Landscape;

namespace Overfit.Cli.Commands;

/// <summary>
/// <c>overfit landscape trajectories</c>: only the chapter's weight-decay experiment, on a Gaussian surface given by
/// its fitted parameters and offset (no data, no network): SGD with momentum from the start point, one run per weight
/// decay, each printed with its first loss, end point and final loss.
/// </summary>
internal static class LandscapeTrajectoriesCommand
{
    public static Command Create()
    {
        var command = new Command("trajectories", "SGD with momentum and weight decay on a fitted Gaussian loss surface (the chapter's weight-decay experiment only)");
        var popt = new Option<double[]>("--popt") { Description = "The surface's A x0 y0 sigmaX sigmaY", Required = true, AllowMultipleArgumentsPerToken = true, Arity = new ArgumentArity(5, 5) };
        var offset = new Option<double>("--offset") { Description = "The surface's additive offset", Required = true };
        var weightDecays = new Option<double[]>("--weight-decays") { Description = "Weight decays, one run each", AllowMultipleArgumentsPerToken = true, DefaultValueFactory = _ => LandscapeExperiment.ChapterWeightDecays };
        var lr = new Option<double>("--lr") { Description = "SGD learning rate", DefaultValueFactory = _ => 0.1 };
        var momentum = new Option<double>("--momentum") { Description = "SGD momentum", DefaultValueFactory = _ => 0.7 };
        var iters = new Option<int>("--iters") { Description = "SGD iterations per run", DefaultValueFactory = _ => 200 };
        var start = new Option<double[]>("--start") { Description = "Start point x y", AllowMultipleArgumentsPerToken = true, Arity = new ArgumentArity(2, 2), DefaultValueFactory = _ => [-1.0, 1.0] };
        var json = new Option<bool>("--json") { Description = "Print {\"trajectories\": [...]} as JSON on stdout instead of a table" };
        foreach (var o in new Option[] { popt, offset, weightDecays, lr, momentum, iters, start, json }) command.Options.Add(o);
        command.SetAction(parse =>
        {
            bool asJson = parse.GetValue(json);
            var output = CliOutput.From(parse, asJson);
            return CommandGuard.Run(output.Stderr, () =>
            {
                var p = parse.GetValue(popt)!;
                int n = parse.GetValue(iters);
                double rate = parse.GetValue(lr), mu = parse.GetValue(momentum);
                if (n < 1) throw new ArgumentOutOfRangeException(nameof(iters), n, $"--iters: expected at least 1, got {n}");
                if (!(rate > 0)) throw new ArgumentOutOfRangeException(nameof(lr), rate, $"--lr: expected a positive rate, got {rate}");
                if (!(mu >= 0)) throw new ArgumentOutOfRangeException(nameof(momentum), mu, $"--momentum: expected a value >= 0, got {mu}");
                var runs = SurfaceTrajectories.WeightDecaySweep(p, parse.GetValue(offset), parse.GetValue(weightDecays)!, rate, mu, n, parse.GetValue(start));
                if (asJson)
                {
                    var doc = new Dictionary<string, object?> { ["trajectories"] = runs.Select(LandscapeExperiment.TrajectoryJson).ToList() };
                    output.Stdout.WriteLine(JsonSerializer.Serialize(doc));
                    return 0;
                }
                var table = new ResultTable($"SGD (lr {rate:G}, momentum {mu:G}, {n} iterations) on the Gaussian surface",
                    "weight decay", "first loss", "final w", "final loss");
                foreach (var r in runs)
                    table.AddRow(r.WeightDecay, F(r.FirstLoss), $"[{F(r.FinalPosition[0])}, {F(r.FinalPosition[1])}]", F(r.FinalLoss));
                output.Human.Write(table.ToSpectreTable());
                return 0;
            });
        });
        return command;
    }

    private static string F(double v) => v.ToString("F4", CultureInfo.InvariantCulture);
}
