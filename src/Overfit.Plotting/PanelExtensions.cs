using ScottPlot;

namespace Overfit.Plotting;

/// <summary>
/// Helpers that fill one panel with the chapter's kinds of content in the shared style. Each call
/// sets the panel's title and axis labels (pass units in the labels, e.g. "epoch", "loss (nats)").
/// </summary>
public static partial class PanelExtensions
{
    /// <summary>Several curves in one panel, coloured from the shared palette, with a legend.</summary>
    public static Plot Lines(this Plot plot, string title, string xLabel, string yLabel, IEnumerable<Series> series, bool markers = false)
    {
        FigureStyle.Apply(plot, title, xLabel, yLabel);
        int index = 0;
        foreach (var s in series)
        {
            s.Validated();
            var line = plot.Add.ScatterLine(s.X, s.Y, FigureStyle.SeriesColor(index++));
            line.LineWidth = FigureStyle.LineWidth;
            line.MarkerSize = markers ? FigureStyle.MarkerSize : 0;
            line.LegendText = s.Label;
        }
        FigureStyle.ShowLegendIfLabelled(plot);
        return plot;
    }

    /// <summary>Point clouds without connecting lines.</summary>
    public static Plot Scatter(this Plot plot, string title, string xLabel, string yLabel, IEnumerable<Series> series, float markerSize = FigureStyle.MarkerSize)
    {
        FigureStyle.Apply(plot, title, xLabel, yLabel);
        int index = 0;
        foreach (var s in series)
        {
            s.Validated();
            var markers = plot.Add.Markers(s.X, s.Y, MarkerShape.FilledCircle, markerSize, FigureStyle.SeriesColor(index++).WithAlpha(0.8));
            markers.LegendText = s.Label;
        }
        FigureStyle.ShowLegendIfLabelled(plot);
        return plot;
    }

    /// <summary>
    /// A mean curve with a shaded band between <paramref name="lower"/> and <paramref name="upper"/>
    /// (e.g. a Gaussian-process 95% band: mean ± 1.96 std), optionally with the observed points.
    /// </summary>
    public static Plot MeanWithBand(this Plot plot, string title, string xLabel, string yLabel,
        double[] x, double[] mean, double[] lower, double[] upper,
        string meanLabel = "mean", string bandLabel = "95% band", Series? observations = null)
    {
        ArgumentNullException.ThrowIfNull(x);
        RequireLength(nameof(mean), mean, x.Length);
        RequireLength(nameof(lower), lower, x.Length);
        RequireLength(nameof(upper), upper, x.Length);
        FigureStyle.Apply(plot, title, xLabel, yLabel);
        var color = FigureStyle.SeriesColor(0);
        var band = plot.Add.FillY(x, lower, upper);
        band.FillStyle.Color = color.WithAlpha(0.22);
        band.LineStyle.Width = 0;
        band.LegendText = bandLabel;
        var line = plot.Add.ScatterLine(x, mean, color);
        line.LineWidth = FigureStyle.LineWidth;
        line.LegendText = meanLabel;
        if (observations is not null)
        {
            observations.Validated();
            var points = plot.Add.Markers(observations.X, observations.Y, MarkerShape.FilledCircle, FigureStyle.MarkerSize + 2, FigureStyle.SeriesColor(1));
            points.LegendText = observations.Label;
        }
        FigureStyle.ShowLegendIfLabelled(plot);
        return plot;
    }

    /// <summary>Grouped bars: one group per category, one bar per series inside each group.</summary>
    public static Plot GroupedBars(this Plot plot, string title, string yLabel, string[] categories, IReadOnlyList<BarSeries> series)
    {
        ArgumentNullException.ThrowIfNull(categories);
        ArgumentNullException.ThrowIfNull(series);
        if (series.Count == 0) throw new ArgumentException("series: expected at least one bar series, got none", nameof(series));
        foreach (var s in series) RequireLength($"series '{s.Label}'", s.Values, categories.Length);
        FigureStyle.Apply(plot, title, "", yLabel);
        const double groupWidth = 0.8;
        double barWidth = groupWidth / series.Count;
        for (int j = 0; j < series.Count; j++)
        {
            var bars = new List<Bar>(categories.Length);
            for (int i = 0; i < categories.Length; i++)
            {
                double center = i - groupWidth / 2 + barWidth * (j + 0.5);
                bars.Add(new Bar { Position = center, Value = series[j].Values[i], Size = barWidth * 0.92, FillColor = FigureStyle.SeriesColor(j) });
            }
            var plotBars = plot.Add.Bars(bars);
            plotBars.LegendText = series.Count > 1 ? series[j].Label : "";
        }
        var ticks = categories.Select((c, i) => new Tick(i, c)).ToArray();
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(ticks);
        plot.Axes.Margins(bottom: 0);
        FigureStyle.ShowLegendIfLabelled(plot);
        return plot;
    }

    /// <summary>Draws labelled markers on top of whatever the panel already shows.</summary>
    public static Plot Points(this Plot plot, IEnumerable<LabelledPoint> points, MarkerShape shape = MarkerShape.FilledDiamond, int colorIndex = 1)
    {
        int index = colorIndex;
        foreach (var p in points)
        {
            var marker = plot.Add.Marker(p.X, p.Y, shape, FigureStyle.MarkerSize * 2, FigureStyle.SeriesColor(index++));
            marker.LegendText = p.Label;
        }
        FigureStyle.ShowLegendIfLabelled(plot);
        return plot;
    }

    /// <summary>A dashed reference line (e.g. a known optimum) with a legend entry.</summary>
    public static Plot HorizontalReference(this Plot plot, double y, string label)
    {
        var line = plot.Add.HorizontalLine(y, 1.5f, FigureStyle.ReferenceLineColor, LinePattern.Dashed);
        line.LegendText = label;
        FigureStyle.ShowLegendIfLabelled(plot);
        return plot;
    }

    internal static void RequireLength(string name, double[] values, int expected)
    {
        ArgumentNullException.ThrowIfNull(values, name);
        if (values.Length != expected)
            throw new ArgumentException($"{name}: expected {expected} values, got {values.Length}", name);
    }
}
