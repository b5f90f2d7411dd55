using System.CommandLine;
using Overfit.Cli.Infrastructure;
using Overfit.Data.Synthetic;
using Overfit.GaussianProcesses;
using Overfit.Plotting;

namespace Overfit.Cli.Experiments;

/// <summary>
/// <c>overfit gp bike-route</c>: the chapter's Gaussian-process route estimate from 5 and from 8 GPS records
/// (RBF kernel, length scale 2 min, unit variance, no noise, hyperparameters fixed): the predicted path and
/// the chapter's 95% band, mean ± 2 posterior standard deviations, on 100 times in [0, 10] min.
/// </summary>
internal sealed class GpBikeRouteExperiment : IExperiment
{
    public const double BandWidthInStd = 2.0;

    private readonly Option<double> _lengthScale = new("--length-scale") { Description = "RBF length scale in minutes (the chapter's 2)", HelpName = "MIN", DefaultValueFactory = _ => 2.0 };

    public string Name => "gp bike-route";

    public string Description => "Gaussian-process estimate of a bike route from 5 and from 8 GPS points: predicted path with its 95% band";

    public IReadOnlyList<Option> Options => [_lengthScale];

    public ExperimentResult Run(RunContext context, ExperimentBudget budget)
    {
        double lengthScale = context.GetOption(_lengthScale, 2.0);
        if (!(lengthScale > 0) || double.IsInfinity(lengthScale))
            throw new ArgumentException($"--length-scale: expected a positive number of minutes, got {lengthScale}");
        context.RecordSetting("kernel", $"RBF(length_scale={lengthScale:G4}), fixed, unit variance");
        context.RecordSetting("noise", 0.0);
        context.RecordSetting("band", "mean ± 2 std (the chapter's 95% band)");
        double[] times = ChapterData.BikeRoutePredictionTimes();
        context.RecordSetting("prediction_times", $"{times.Length} points on [0, 10] min");

        var routes = new[] { ("five", ChapterData.BikeRouteFivePoints()), ("eight", ChapterData.BikeRouteEightPoints()) };
        var figure = new Figure(rows: 1, columns: 2, panelWidth: 760, panelHeight: 500);
        var table = new ResultTable("Bike route: posterior at the GPS records and between them", "GPS points", "max |mean - record| (km)", "max std at records (km)", "max band width (km)", "at time (min)");
        var predictions = new ResultTable("Bike route predictions", "gps_points", "time_min", "mean_km", "std_km", "lower_km", "upper_km");
        var metrics = new Dictionary<string, object?> { ["prediction_times"] = times.Length };
        for (int r = 0; r < routes.Length; r++)
        {
            var (tag, route) = routes[r];
            var gp = new GaussianProcessRegressor(new RBF(lengthScale, isFixed: true), alpha: 0.0, optimize: false)
                .Fit(Column(route.Times), route.Positions);
            var (mean, std) = gp.Predict(Column(times));
            var (atRecords, stdAtRecords) = gp.Predict(Column(route.Times));
            double[] lower = mean.Select((m, i) => m - BandWidthInStd * std[i]).ToArray();
            double[] upper = mean.Select((m, i) => m + BandWidthInStd * std[i]).ToArray();
            double maxResidual = atRecords.Select((m, i) => Math.Abs(m - route.Positions[i])).Max();
            double maxStdAtRecords = stdAtRecords.Max();
            int widest = Array.IndexOf(std, std.Max());
            double maxWidth = upper[widest] - lower[widest];
            foreach (var warning in gp.Warnings) context.Note($"{route.Times.Length} GPS points: {warning}");
            for (int i = 0; i < times.Length; i++) predictions.AddRow(route.Times.Length, Exact(times[i]), Exact(mean[i]), Exact(std[i]), Exact(lower[i]), Exact(upper[i]));
            table.AddRow(route.Times.Length, maxResidual, maxStdAtRecords, maxWidth, times[widest]);

            figure.Panel(r).MeanWithBand($"Route estimation ({route.Times.Length} GPS points)", "time (min)", "position (km)",
                times, mean, lower, upper, meanLabel: "predicted path", bandLabel: "95% band (mean ± 2 std)",
                observations: new Series("GPS records", route.Times, route.Positions));
            figure.Panel(r).Axes.SetLimits(-0.3, 10.3, -2.5, 6.5);
            // The path climbs toward the last record at the upper right; the legend goes where the plot is empty.
            FigureStyle.ShowLegendIfLabelled(figure.Panel(r), ScottPlot.Alignment.UpperLeft);

            metrics[$"{tag}_points"] = route.Times.Length;
            metrics[$"{tag}_max_abs_residual_at_records"] = maxResidual;
            metrics[$"{tag}_max_std_at_records"] = maxStdAtRecords;
            metrics[$"{tag}_max_band_width"] = maxWidth;
            metrics[$"{tag}_widest_band_time"] = times[widest];
            metrics[$"{tag}_mean_band_width"] = std.Average() * 2 * BandWidthInStd;
        }
        context.SaveCsv(predictions, "bike-route-predictions.csv");
        var saved = context.SaveFigure(figure, "gp-bike-route",
            "Predicted route (line) and 95% band (mean ± 2 std) from 5 and from 8 GPS records; the band closes at every record and widens between them");
        return new ExperimentResult(metrics, [saved], [table]);
    }

    private static string Exact(double value) => GpRegressExperiment.Exact(value);

    internal static double[,] Column(double[] values)
    {
        var column = new double[values.Length, 1];
        for (int i = 0; i < values.Length; i++) column[i, 0] = values[i];
        return column;
    }
}
