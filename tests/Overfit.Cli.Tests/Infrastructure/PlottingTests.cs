using Overfit.Plotting;

namespace Overfit.Cli.Tests.Infrastructure;

public class PlottingTests
{
    private static readonly byte[] PngSignature = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    [Fact]
    public void EmbeddedFontIsRegisteredAndHasLatinAndGreekGlyphs()
    {
        EmbeddedFonts.EnsureRegistered();
        Assert.Equal("DejaVu Sans", EmbeddedFonts.Regular.FamilyName);
        Assert.True(EmbeddedFonts.Regular.ContainsGlyphs("Loss (nats) γβ"));
        Assert.Equal("DejaVu Sans", ScottPlot.Fonts.Default);
    }

    [Fact]
    public void TitleTextChangesThePixels()
    {
        // If no font were found, text would draw nothing and both images would be identical.
        var x = new double[] { 0, 1, 2 };
        var withTitle = new Figure();
        withTitle.Panel(0).Lines("A readable title", "x (m)", "y (m)", [new Series("s", x, x)]);
        var withoutTitle = new Figure();
        withoutTitle.Panel(0).Lines("", "x (m)", "y (m)", [new Series("s", x, x)]);
        Assert.NotEqual(withTitle.ToPng(), withoutTitle.ToPng());
    }

    [Fact]
    public void SaveWritesPngAndSvgOfEveryFigureKind()
    {
        using var folder = new TempFolder();
        var x = Enumerable.Range(0, 50).Select(i => i / 5.0).ToArray();
        var grid = Enumerable.Range(0, 12).Select(i => -1 + i / 5.5).ToArray();
        var z = new double[grid.Length, grid.Length];
        for (int i = 0; i < grid.Length; i++)
            for (int j = 0; j < grid.Length; j++) z[i, j] = grid[i] * grid[i] + 2 * grid[j] * grid[j];

        var figure = new Figure(rows: 2, columns: 3, panelWidth: 400, panelHeight: 300);
        figure.Panel(0).Lines("lines", "epoch", "accuracy (%)", [new Series("train", x, x.Select(Math.Sin).ToArray()), new Series("test", x, x.Select(Math.Cos).ToArray())]);
        figure.Panel(1).Scatter("scatter", "x (m)", "y (m)", [new Series("points", x, x.Select(v => v * v).ToArray())]);
        figure.Panel(2).MeanWithBand("band", "x (km)", "y (km)", x, x, x.Select(v => v - 1).ToArray(), x.Select(v => v + 1).ToArray(), observations: new Series("observed", [1, 2], [1, 2]));
        figure.Panel(3).GroupedBars("bars", "norm", ["none", "L1", "L2"], [new BarSeries("SGD", [3, 1, 2]), new BarSeries("Adam", [2, 1, 1])]);
        figure.Panel(4).Surface("surface", "a", "b", "loss (nats)", grid, grid, z).Points([new LabelledPoint("end", 0, 0)]);
        figure.Panel(5).BestSoFar("best so far", "f(x)", [new BarSeries("random", [3, 2, 4, 1]), new BarSeries("BO", [3, 1, 0.5, 0.4])], optimum: 0.39);

        var saved = figure.Save(folder.Path, "all-kinds");

        Assert.Equal(1200, figure.Width);
        Assert.Equal(600, figure.Height);
        var png = File.ReadAllBytes(saved.PngPath);
        Assert.True(png.Length > 20_000, $"PNG of six panels should not be near-empty, got {png.Length} bytes");
        Assert.Equal(PngSignature, png[..8]);
        var svg = File.ReadAllText(saved.SvgPath);
        Assert.StartsWith("<?xml", svg);
        Assert.Contains("<svg", svg);
        Assert.Contains("font-family=\"DejaVu Sans\"", svg);
        // Text stays text in the SVG (searchable, sharp at any zoom).
        Assert.Matches(new System.Text.RegularExpressions.Regex(@"<text[^>]*>\s*best so far\s*</text>"), svg);
        Assert.Empty(Directory.GetFiles(folder.Path, "*.tmp"));
    }

    [Fact]
    public void BandsAndLogScalesRenderAndCheckTheirInput()
    {
        double[] x = [1, 2, 3];
        var figure = new Figure();
        figure.Panel(0).LinesWithBands("validation curve", "degree", "error (log scale)",
            [new BandSeries("validation", x, PanelExtensions.Log10([1, 10, 100]), PanelExtensions.Log10([0.5, 5, 50]), PanelExtensions.Log10([2, 20, 200]))])
            .LogScaleY();
        Assert.True(figure.ToPng().Length > 5_000);
        Assert.Equal([0.0, 1, 2], PanelExtensions.Log10([1, 10, 100]));

        var log = Assert.Throws<ArgumentException>(() => PanelExtensions.Log10([1, 0]));
        Assert.Contains("got 0 at index 1", log.Message);
        var band = Assert.Throws<ArgumentException>(() => new Figure().Panel(0).LinesWithBands("t", "x", "y", [new BandSeries("cv", x, x, x, [1, 2])]));
        Assert.Contains("series 'cv' Upper: expected 3 values, got 2", band.Message);
    }

    [Fact]
    public void RunningBestTracksTheMinimumOrMaximum()
    {
        Assert.Equal([3.0, 2, 2, 1], PanelExtensions.RunningBest([3, 2, 4, 1]));
        Assert.Equal([3.0, 3, 4, 4], PanelExtensions.RunningBest([3, 2, 4, 1], minimize: false));
        Assert.Equal([double.PositiveInfinity, 2], PanelExtensions.RunningBest([double.NaN, 2]));
    }

    [Fact]
    public void BadInputNamesTheArgument()
    {
        var ex = Assert.Throws<ArgumentException>(() => new Figure().Panel(0).Lines("t", "x", "y", [new Series("short", [1, 2], [1])]));
        Assert.Contains("short", ex.Message);
        Assert.Contains("got 2 and 1", ex.Message);
        var bad = Assert.Throws<ArgumentOutOfRangeException>(() => new Figure(rows: 0));
        Assert.Equal("rows", bad.ParamName);
        var name = Assert.Throws<ArgumentException>(() => new Figure().Save(Path.GetTempPath(), "../escape"));
        Assert.Contains("name", name.Message);
        var shape = Assert.Throws<ArgumentException>(() => new Figure().Panel(0).Surface("s", "a", "b", "z", [0, 1, 2], [0, 1], new double[3, 2]));
        Assert.Contains("expected shape [2, 3]", shape.Message);
        var wire = Assert.Throws<ArgumentException>(() => new Figure().Panel(0).Wireframe("w", "a", "b", [0, 1, 2], [0, 1], new double[3, 2]));
        Assert.Contains("expected shape [2, 3]", wire.Message);
    }

    [Fact]
    public void WireframeDrawsEveryGridSegment()
    {
        double[] grid = [-1, -0.5, 0, 0.5, 1];
        var z = new double[5, 5];
        for (int i = 0; i < 5; i++) for (int j = 0; j < 5; j++) z[i, j] = grid[i] * grid[i] + grid[j] * grid[j];
        var figure = new Figure();
        var plot = figure.Panel(0).Wireframe("bowl", "a", "b", grid, grid, z);
        // 5 rows of 4 segments and 5 columns of 4 segments.
        Assert.Equal(40, plot.GetPlottables().Count());
        using var folder = new TempFolder();
        var png = File.ReadAllBytes(figure.Save(folder.Path, "wire").PngPath);
        Assert.Equal(PngSignature, png[..8]);
    }

    [Fact]
    public void AtomicWriteReplacesWithoutLeavingTemporaryFiles()
    {
        using var folder = new TempFolder();
        var path = folder.Sub("nested/file.txt");
        AtomicFile.WriteAllText(path, "first");
        AtomicFile.WriteAllText(path, "second");
        Assert.Equal("second", File.ReadAllText(path));
        Assert.Throws<InvalidOperationException>(() => AtomicFile.Write(path, _ => throw new InvalidOperationException("writer failed")));
        Assert.Equal("second", File.ReadAllText(path));
        Assert.Equal(["file.txt"], Directory.GetFiles(folder.Sub("nested")).Select(Path.GetFileName));
    }
}
