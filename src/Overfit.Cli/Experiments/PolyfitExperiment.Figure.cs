using Overfit.Data.Synthetic;
using Overfit.Plotting;
using ScottPlot;

namespace Overfit.Cli.Experiments;

internal sealed partial class PolyfitExperiment
{
    private static Figure DrawFigure(Curve data, double[] grid, IReadOnlyList<DegreeFit> fits, int highest, double[] chebyshevCurve)
    {
        var figure = new Figure(rows: 1, columns: 2);
        var points = new Series("noisy sine (data)", data.X, data.Y);

        var left = figure.Panel(0);
        left.Lines("Polynomial fits on a noisy sine", "x (radians)", "y = sin(x) + noise",
            fits.Select(f => new Series($"degree {f.Degree}{(f.PoorlyConditioned ? " (poorly conditioned)" : "")}", grid, f.Curve)));
        AddData(left, points);
        // A high degree swings far outside the data between and beyond points; the chapter's range keeps the sine readable.
        left.Axes.SetLimits(grid[0] - 0.1, grid[^1] + 0.1, -1.6, 1.6);

        var right = figure.Panel(1);
        var power = fits.First(f => f.Degree == highest);
        right.Lines($"Degree {highest}: power basis vs Chebyshev basis", "x (radians)", "y = sin(x) + noise",
        [
            new Series($"power basis (polyfit), rank {power.Rank}", grid, power.Curve),
            new Series("Chebyshev basis (well conditioned)", grid, chebyshevCurve),
            new Series("sin(x) (true function)", grid, grid.Select(Math.Sin).ToArray()),
        ]);
        AddData(right, points);
        right.Axes.SetLimits(grid[0] - 0.1, grid[^1] + 0.1, -1.6, 1.6);
        return figure;
    }

    private static void AddData(Plot panel, Series points)
    {
        var markers = panel.Add.Markers(points.X, points.Y, MarkerShape.FilledCircle, FigureStyle.MarkerSize, Colors.Black.WithAlpha(0.55));
        markers.LegendText = points.Label;
        FigureStyle.ShowLegendIfLabelled(panel, Alignment.LowerLeft);
    }
}
