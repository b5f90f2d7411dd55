using ScottPlot;

namespace Overfit.Plotting;

public static partial class PanelExtensions
{
    /// <summary>
    /// A 2-D grid of values as a colour map with contour lines and a colour bar (e.g. a loss surface);
    /// <paramref name="z"/>[i, j] is the value at (<paramref name="xs"/>[j], <paramref name="ys"/>[i]).
    /// Put points on top with <see cref="Points"/>.
    /// </summary>
    public static Plot Surface(this Plot plot, string title, string xLabel, string yLabel, string valueLabel,
        double[] xs, double[] ys, double[,] z, int contourCount = 12)
    {
        CheckGrid(xs, ys, z);
        FigureStyle.Apply(plot, title, xLabel, yLabel);

        // ScottPlot draws row 0 at the top; the grid's row 0 belongs at the smallest y, so flip rows.
        int rows = ys.Length, columns = xs.Length;
        var intensities = new double[rows, columns];
        var coordinates = new Coordinates3d[rows, columns];
        for (int i = 0; i < rows; i++)
        {
            for (int j = 0; j < columns; j++)
            {
                intensities[rows - 1 - i, j] = z[i, j];
                coordinates[i, j] = new Coordinates3d(xs[j], ys[i], z[i, j]);
            }
        }
        var heatmap = plot.Add.Heatmap(intensities);
        heatmap.Colormap = new ScottPlot.Colormaps.Viridis();
        heatmap.Extent = new CoordinateRect(xs.Min(), xs.Max(), ys.Min(), ys.Max());
        heatmap.CellAlignment = Alignment.MiddleCenter;
        heatmap.Smooth = true;

        var contours = plot.Add.ContourLines(coordinates, contourCount);
        contours.LineColor = Colors.White.WithAlpha(0.7);
        contours.LineWidth = 1;
        contours.LabelStyle.IsVisible = false;

        var bar = plot.Add.ColorBar(heatmap);
        bar.Label = valueLabel;
        bar.LabelStyle.FontSize = FigureStyle.AxisLabelSize;
        bar.LabelStyle.FontName = EmbeddedFonts.FamilyName;
        bar.Axis.TickLabelStyle.FontSize = FigureStyle.TickLabelSize;
        bar.Axis.TickLabelStyle.FontName = EmbeddedFonts.FamilyName;
        plot.Axes.SetLimits(xs.Min(), xs.Max(), ys.Min(), ys.Max());
        return plot;
    }

    /// <summary>
    /// Best-so-far curves of several optimizers (e.g. Bayesian optimization against random search):
    /// each series holds the raw objective value of every evaluation, in order.
    /// </summary>
    public static Plot BestSoFar(this Plot plot, string title, string yLabel, IEnumerable<BarSeries> evaluations, bool minimize = true, double? optimum = null)
    {
        ArgumentNullException.ThrowIfNull(evaluations);
        var curves = evaluations.Select(e => Series.OverIndex(e.Label, RunningBest(e.Values, minimize), start: 1)).ToList();
        plot.Lines(title, "evaluation", yLabel, curves);
        foreach (var line in plot.GetPlottables<ScottPlot.Plottables.Scatter>())
        {
            line.ConnectStyle = ConnectStyle.StepHorizontal;
        }
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic { IntegerTicksOnly = true };
        if (optimum is double best) plot.HorizontalReference(best, $"optimum {best:G6}");
        return plot;
    }

    /// <summary>Running minimum (or maximum) of <paramref name="values"/>: the best value seen so far at each step.</summary>
    public static double[] RunningBest(double[] values, bool minimize = true)
    {
        ArgumentNullException.ThrowIfNull(values);
        var best = new double[values.Length];
        double current = minimize ? double.PositiveInfinity : double.NegativeInfinity;
        for (int i = 0; i < values.Length; i++)
        {
            if (!double.IsNaN(values[i]) && (minimize ? values[i] < current : values[i] > current)) current = values[i];
            best[i] = current;
        }
        return best;
    }

    /// <summary>A value grid z[i, j] at (xs[j], ys[i]): at least 2 values per axis, rows following ys.</summary>
    private static void CheckGrid(double[] xs, double[] ys, double[,] z)
    {
        ArgumentNullException.ThrowIfNull(xs);
        ArgumentNullException.ThrowIfNull(ys);
        ArgumentNullException.ThrowIfNull(z);
        if (xs.Length < 2 || ys.Length < 2)
            throw new ArgumentException($"xs, ys: expected at least 2 grid values along each axis, got {xs.Length} and {ys.Length}");
        if (z.GetLength(0) != ys.Length || z.GetLength(1) != xs.Length)
            throw new ArgumentException($"z: expected shape [{ys.Length}, {xs.Length}] (rows follow ys, columns follow xs), got [{z.GetLength(0)}, {z.GetLength(1)}]", nameof(z));
    }
}
