using ScottPlot;

namespace Overfit.Plotting;

/// <summary>One trial's values on every axis of a parallel-coordinates plot, and the value that colours it.</summary>
/// <param name="Values">one value per axis, in the axes' units</param>
/// <param name="Score">the colouring value (e.g. the objective); the colour scale spans the scores of all lines</param>
public sealed record CoordinateLine(double[] Values, double Score);

/// <summary>A trial's intermediate values (e.g. accuracy after each epoch); <paramref name="Stopped"/> marks a pruned trial.</summary>
public sealed record TrialCurve(double[] Steps, double[] Values, bool Stopped);

public static partial class PanelExtensions
{
    /// <summary>
    /// A parallel-coordinates plot (Optuna's plot_parallel_coordinate): one vertical axis per entry of
    /// <paramref name="axes"/>, each scaled from its (low, high) range to [0, 1] and labelled with both ends, and one
    /// polyline per <see cref="CoordinateLine"/>, coloured by its score on the Viridis scale (the best score drawn last,
    /// on top).
    /// </summary>
    /// <exception cref="ArgumentException">no axis, a line whose value count differs from the axes', or an empty range</exception>
    public static Plot ParallelCoordinates(this Plot plot, string title, IReadOnlyList<(string Name, double Low, double High)> axes, IReadOnlyList<CoordinateLine> lines,
        string scoreLabel)
    {
        ArgumentNullException.ThrowIfNull(axes);
        ArgumentNullException.ThrowIfNull(lines);
        if (axes.Count == 0) throw new ArgumentException("axes: expected at least one axis, got none", nameof(axes));
        foreach (var a in axes)
            if (!(a.High > a.Low)) throw new ArgumentException($"axes: axis '{a.Name}' needs low < high, got {a.Low} and {a.High}", nameof(axes));
        foreach (var l in lines)
            if (l.Values.Length != axes.Count) throw new ArgumentException($"lines: expected {axes.Count} values per line (one per axis), got {l.Values.Length}", nameof(lines));
        FigureStyle.Apply(plot, title, "", $"scaled to each axis's range (colour: {scoreLabel})");
        var colormap = new ScottPlot.Colormaps.Viridis();
        double min = lines.Count == 0 ? 0 : lines.Min(l => l.Score), max = lines.Count == 0 ? 1 : lines.Max(l => l.Score);
        var xs = Enumerable.Range(0, axes.Count).Select(i => (double)i).ToArray();
        foreach (var l in lines.OrderBy(l => l.Score))
        {
            var ys = l.Values.Select((v, i) => (v - axes[i].Low) / (axes[i].High - axes[i].Low)).ToArray();
            double fraction = max > min ? (l.Score - min) / (max - min) : 1;
            var line = plot.Add.ScatterLine(xs, ys, colormap.GetColor(fraction).WithAlpha(0.75));
            line.LineWidth = 1.6f;
            line.MarkerSize = 4;
        }
        for (int i = 0; i < axes.Count; i++)
        {
            plot.Add.VerticalLine(i, 1, FigureStyle.ReferenceLineColor);
            AddAxisEnd(plot, i, 1.0, Format(axes[i].High), Alignment.LowerCenter);
            AddAxisEnd(plot, i, 0.0, Format(axes[i].Low), Alignment.UpperCenter);
        }
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(axes.Select((a, i) => new Tick(i, a.Name)).ToArray());
        plot.Axes.SetLimits(-0.3, axes.Count - 0.7, -0.12, 1.12);
        if (lines.Count > 0)
        {
            var best = plot.Add.ScatterLine(new double[] { 0 }, new double[] { 0 }, colormap.GetColor(1));
            best.LegendText = $"{scoreLabel}: best {Format(max)}";
            best.LineWidth = 0;
            best.MarkerSize = 0;
            var worst = plot.Add.ScatterLine(new double[] { 0 }, new double[] { 0 }, colormap.GetColor(0));
            worst.LegendText = $"{scoreLabel}: worst {Format(min)}";
            worst.LineWidth = 0;
            worst.MarkerSize = 0;
            FigureStyle.ShowLegendIfLabelled(plot, Alignment.LowerRight);
        }
        return plot;
    }

    /// <summary>
    /// Intermediate values of trials (Optuna's plot_intermediate_values): one line per trial, finished trials in the
    /// first series colour, stopped (pruned) ones in the second with a cross at their last value.
    /// </summary>
    /// <exception cref="ArgumentException">a curve whose steps and values differ in length</exception>
    public static Plot TrialCurves(this Plot plot, string title, string xLabel, string yLabel, IReadOnlyList<TrialCurve> curves)
    {
        ArgumentNullException.ThrowIfNull(curves);
        FigureStyle.Apply(plot, title, xLabel, yLabel);
        bool finishedLabelled = false, stoppedLabelled = false;
        foreach (var c in curves)
        {
            RequireLength("curve values", c.Values, c.Steps.Length);
            if (c.Steps.Length == 0) continue;
            var color = FigureStyle.SeriesColor(c.Stopped ? 1 : 0);
            var line = plot.Add.ScatterLine(c.Steps, c.Values, color.WithAlpha(0.8));
            line.LineWidth = 1.6f;
            line.MarkerSize = 4;
            if (!c.Stopped && !finishedLabelled) { line.LegendText = "finished"; finishedLabelled = true; }
            if (c.Stopped)
            {
                var end = plot.Add.Marker(c.Steps[^1], c.Values[^1], MarkerShape.Cross, FigureStyle.MarkerSize * 2, color);
                if (!stoppedLabelled) { end.LegendText = "pruned (stopped here)"; stoppedLabelled = true; }
            }
        }
        FigureStyle.ShowLegendIfLabelled(plot, Alignment.LowerRight);
        return plot;
    }

    private static void AddAxisEnd(Plot plot, double x, double y, string text, Alignment alignment)
    {
        var label = plot.Add.Text(text, x, y);
        label.LabelFontSize = FigureStyle.TickLabelSize - 2;
        label.LabelAlignment = alignment;
    }

    private static string Format(double v) => v.ToString("G4", System.Globalization.CultureInfo.InvariantCulture);
}
