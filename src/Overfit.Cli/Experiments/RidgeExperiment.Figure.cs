using Overfit.Data.Synthetic;
using Overfit.Plotting;
using ScottPlot;

namespace Overfit.Cli.Experiments;

internal sealed partial class RidgeExperiment
{
    private static Figure DrawFits(Curve data, double[] grid, double[] leastSquaresCurve, IReadOnlyList<AlphaFit> fits, Settings settings)
    {
        var figure = new Figure(rows: 1, columns: fits.Count, panelWidth: 640, panelHeight: 520);
        for (int i = 0; i < fits.Count; i++)
        {
            var fit = fits[i];
            var panel = figure.Panel(i);
            panel.Lines(fit.Alpha == 0 ? (settings.Model == "ridge" ? "alpha = 0 (no penalty: ridge = least squares)" : "alpha = 0 (no penalty)") : $"alpha = {fit.Alpha:0.0e+00}", "x (radians)", "y = sin(x) + noise",
            [
                new Series($"least squares, degree {Degree}", grid, leastSquaresCurve),
                new Series($"{settings.Label}, degree {Degree}", grid, fit.Curve),
            ]);
            var markers = panel.Add.Markers(data.X, data.Y, MarkerShape.FilledCircle, FigureStyle.MarkerSize, Colors.Black.WithAlpha(0.55));
            markers.LegendText = "noisy sine (data)";
            FigureStyle.ShowLegendIfLabelled(panel, Alignment.LowerLeft);
            // The chapter's set_ylim(-1.5, 1.5), widened when a noisy point lies outside it; unpenalized fits
            // can swing far beyond the data near the ends.
            double yLimit = Math.Max(1.5, data.Y.Max(Math.Abs) + 0.1);
            panel.Axes.SetLimits(grid[0] - 0.05, grid[^1] + 0.05, -yLimit, yLimit);
        }
        return figure;
    }

    private static Figure DrawValidationCurve(CurveResult curve, Settings settings)
    {
        var figure = new Figure();
        var panel = figure.Panel(0);
        double[] degrees = curve.Degrees.Select(d => (double)d).ToArray();
        // MSE spans orders of magnitude once least squares overfits, so the axis is log10.
        panel.LinesWithBands("Validation curve over the polynomial degree", "polynomial degree", "mean squared error (log scale)",
        [
            Band("least squares, train", degrees, curve.LeastSquares.Train, curve.LeastSquares.TrainMin, curve.LeastSquares.TrainMax),
            Band("least squares, validation", degrees, curve.LeastSquares.Validation, curve.LeastSquares.ValidationMin, curve.LeastSquares.ValidationMax),
            Band($"{settings.Label}, alpha {settings.CurveAlpha:G3}, train", degrees, curve.Penalized.Train, curve.Penalized.TrainMin, curve.Penalized.TrainMax),
            Band($"{settings.Label}, alpha {settings.CurveAlpha:G3}, validation", degrees, curve.Penalized.Validation, curve.Penalized.ValidationMin, curve.Penalized.ValidationMax),
        ]);
        panel.LogScaleY();
        panel.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic { IntegerTicksOnly = true };
        FigureStyle.ShowLegendIfLabelled(panel, Alignment.UpperLeft);
        return figure;
    }

    private static BandSeries Band(string label, double[] x, double[] mean, double[] lower, double[] upper) =>
        new(label, x, PanelExtensions.Log10(Floor(mean)), PanelExtensions.Log10(Floor(lower)), PanelExtensions.Log10(Floor(upper)));

    // A fold can fit its training points to round-off; keep log10 finite.
    private static double[] Floor(double[] values) => values.Select(v => Math.Max(v, 1e-12)).ToArray();
}
