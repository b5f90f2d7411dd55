using ScottPlot;

namespace Overfit.Plotting;

public static partial class PanelExtensions
{
    /// <summary>
    /// Several mean curves, each with its own shaded band in the series colour (e.g. training and
    /// validation scores ± one standard deviation over folds, for a validation curve).
    /// </summary>
    public static Plot LinesWithBands(this Plot plot, string title, string xLabel, string yLabel, IEnumerable<BandSeries> series, bool markers = true)
    {
        ArgumentNullException.ThrowIfNull(series);
        FigureStyle.Apply(plot, title, xLabel, yLabel);
        int index = 0;
        foreach (var s in series)
        {
            ArgumentNullException.ThrowIfNull(s.X, nameof(s.X));
            RequireLength($"series '{s.Label}' Mean", s.Mean, s.X.Length);
            RequireLength($"series '{s.Label}' Lower", s.Lower, s.X.Length);
            RequireLength($"series '{s.Label}' Upper", s.Upper, s.X.Length);
            var color = FigureStyle.SeriesColor(index++);
            var band = plot.Add.FillY(s.X, s.Lower, s.Upper);
            band.FillStyle.Color = color.WithAlpha(0.18);
            band.LineStyle.Width = 0;
            var line = plot.Add.ScatterLine(s.X, s.Mean, color);
            line.LineWidth = FigureStyle.LineWidth;
            line.MarkerSize = markers ? FigureStyle.MarkerSize : 0;
            line.LegendText = s.Label;
        }
        FigureStyle.ShowLegendIfLabelled(plot);
        return plot;
    }

    /// <summary>
    /// Shows the y axis on a log10 scale. ScottPlot draws in linear coordinates, so the data must
    /// already be log10 values (see <see cref="Log10"/>); this sets decade ticks labelled with the
    /// original values and log-spaced minor ticks.
    /// </summary>
    public static Plot LogScaleY(this Plot plot)
    {
        plot.Axes.Left.TickGenerator = LogTicks();
        return plot;
    }

    /// <summary>The x-axis counterpart of <see cref="LogScaleY"/> (e.g. a regularization strength alpha).</summary>
    public static Plot LogScaleX(this Plot plot)
    {
        plot.Axes.Bottom.TickGenerator = LogTicks();
        return plot;
    }

    /// <summary>log10 of every value, for log-scale axes; values must be positive.</summary>
    public static double[] Log10(double[] values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var logs = new double[values.Length];
        for (int i = 0; i < values.Length; i++)
        {
            if (!(values[i] > 0))
                throw new ArgumentException($"values: expected positive values for a log scale, got {values[i]} at index {i}", nameof(values));
            logs[i] = Math.Log10(values[i]);
        }
        return logs;
    }

    private static ScottPlot.TickGenerators.NumericAutomatic LogTicks() => new()
    {
        MinorTickGenerator = new ScottPlot.TickGenerators.LogMinorTickGenerator(),
        IntegerTicksOnly = true,
        LabelFormatter = exponent => Math.Pow(10, exponent).ToString("G4", System.Globalization.CultureInfo.InvariantCulture),
    };
}
