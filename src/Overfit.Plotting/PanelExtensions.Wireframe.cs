using ScottPlot;

namespace Overfit.Plotting;

public static partial class PanelExtensions
{
    /// <summary>
    /// A 3-D view of a surface as a wireframe seen from above at an angle (azimuth −60°, elevation 30°): every grid
    /// row and column drawn as a line through the projected points, coloured by height (Viridis, low to high).
    /// <paramref name="z"/>[i, j] is the value at (<paramref name="xs"/>[j], <paramref name="ys"/>[i]), as in <see cref="Surface"/>.
    /// The projection has no metric axes, so they are hidden; the title and labels name the coordinates.
    /// </summary>
    public static Plot Wireframe(this Plot plot, string title, string xLabel, string yLabel, double[] xs, double[] ys, double[,] z)
    {
        CheckGrid(xs, ys, z);
        FigureStyle.Apply(plot, title, xLabel, yLabel);
        double zMin = double.PositiveInfinity, zMax = double.NegativeInfinity;
        foreach (var v in z) { zMin = Math.Min(zMin, v); zMax = Math.Max(zMax, v); }
        double zSpan = zMax > zMin ? zMax - zMin : 1;
        double xMin = xs.Min(), xSpan = Math.Max(xs.Max() - xMin, 1e-300), yMin = ys.Min(), ySpan = Math.Max(ys.Max() - yMin, 1e-300);
        double azimuth = -60 * Math.PI / 180, elevation = 30 * Math.PI / 180;
        Coordinates Project(int i, int j)
        {
            // Unit cube coordinates, then a rotation about the vertical axis and a tilt towards the viewer.
            double x = 2 * (xs[j] - xMin) / xSpan - 1, y = 2 * (ys[i] - yMin) / ySpan - 1, h = (z[i, j] - zMin) / zSpan;
            double u = x * Math.Cos(azimuth) - y * Math.Sin(azimuth);
            double depth = x * Math.Sin(azimuth) + y * Math.Cos(azimuth);
            return new Coordinates(u, depth * Math.Sin(elevation) + 1.2 * h * Math.Cos(elevation));
        }
        var colormap = new ScottPlot.Colormaps.Viridis();
        void Segment(int i1, int j1, int i2, int j2)
        {
            var (a, b) = (Project(i1, j1), Project(i2, j2));
            var line = plot.Add.Line(a, b);
            line.LineColor = colormap.GetColor(((z[i1, j1] + z[i2, j2]) / 2 - zMin) / zSpan);
            line.LineWidth = 1.2f;
            line.MarkerSize = 0;
        }
        for (int i = 0; i < ys.Length; i++)
            for (int j = 0; j < xs.Length; j++)
            {
                if (j + 1 < xs.Length) Segment(i, j, i, j + 1);
                if (i + 1 < ys.Length) Segment(i, j, i + 1, j);
            }
        plot.Axes.Bottom.TickLabelStyle.IsVisible = false;
        plot.Axes.Left.TickLabelStyle.IsVisible = false;
        plot.Axes.Bottom.MajorTickStyle.Length = 0;
        plot.Axes.Left.MajorTickStyle.Length = 0;
        plot.Axes.Bottom.MinorTickStyle.Length = 0;
        plot.Axes.Left.MinorTickStyle.Length = 0;
        plot.Grid.IsVisible = false;
        return plot;
    }
}
