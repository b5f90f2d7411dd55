using ScottPlot;

namespace Overfit.Plotting;

/// <summary>
/// The one look shared by every figure: panel size, font, sizes, palette and grid. Sizes are chosen
/// so that a figure is readable at 100% zoom in a browser or a report.
/// </summary>
public static class FigureStyle
{
    /// <summary>Default panel width, in pixels.</summary>
    public const int PanelWidth = 800;
    /// <summary>Default panel height, in pixels.</summary>
    public const int PanelHeight = 520;
    /// <summary>Panel title font size, in pixels.</summary>
    public const float TitleSize = 20;
    /// <summary>Axis label font size, in pixels.</summary>
    public const float AxisLabelSize = 16;
    /// <summary>Tick label font size, in pixels.</summary>
    public const float TickLabelSize = 14;
    /// <summary>Legend font size, in pixels.</summary>
    public const float LegendSize = 14;
    /// <summary>Line width of series, in pixels.</summary>
    public const float LineWidth = 2.2f;
    /// <summary>Marker size, in pixels.</summary>
    public const float MarkerSize = 7;

    /// <summary>Okabe–Ito colours: distinguishable with the common colour-vision deficiencies.</summary>
    public static IReadOnlyList<Color> Palette { get; } =
    [
        Color.FromHex("#0072B2"), // blue
        Color.FromHex("#D55E00"), // vermillion
        Color.FromHex("#009E73"), // green
        Color.FromHex("#CC79A7"), // purple
        Color.FromHex("#E69F00"), // orange
        Color.FromHex("#56B4E9"), // sky blue
        Color.FromHex("#F0E442"), // yellow
        Color.FromHex("#000000"), // black
    ];

    /// <summary>Palette colour for series <paramref name="index"/>, cycling through <see cref="Palette"/> (negative indices wrap too).</summary>
    public static Color SeriesColor(int index) => Palette[((index % Palette.Count) + Palette.Count) % Palette.Count];

    /// <summary>Grey (#555555) for reference lines such as an optimum or y = x.</summary>
    public static Color ReferenceLineColor { get; } = Color.FromHex("#555555");

    /// <summary>Applies the shared style and the panel's title and axis labels (with units, e.g. "time (s)").</summary>
    public static void Apply(Plot plot, string title, string xLabel, string yLabel)
    {
        ArgumentNullException.ThrowIfNull(plot);
        EmbeddedFonts.EnsureRegistered();
        plot.Font.Set(EmbeddedFonts.FamilyName);
        plot.Title(title, TitleSize);
        plot.XLabel(xLabel, AxisLabelSize);
        plot.YLabel(yLabel, AxisLabelSize);
        plot.Axes.Bottom.TickLabelStyle.FontSize = TickLabelSize;
        plot.Axes.Left.TickLabelStyle.FontSize = TickLabelSize;
        plot.FigureBackground.Color = Colors.White;
        plot.DataBackground.Color = Colors.White;
        plot.Grid.MajorLineColor = Color.FromHex("#E5E5E5");
        plot.Legend.FontSize = LegendSize;
        plot.Legend.FontName = EmbeddedFonts.FamilyName;
    }

    /// <summary>Shows the legend only when something in the panel has a label.</summary>
    public static void ShowLegendIfLabelled(Plot plot, Alignment alignment = Alignment.UpperRight)
    {
        if (plot.GetPlottables().Any(p => p.LegendItems.Any(item => !string.IsNullOrEmpty(item.LabelText))))
        {
            plot.ShowLegend(alignment);
        }
    }
}
