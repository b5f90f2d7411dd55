using ScottPlot;
using SkiaSharp;

namespace Overfit.Plotting;

/// <summary>Paths of one saved figure: the same picture as PNG (for reports) and SVG (for print).</summary>
public sealed record SavedFigure(string Name, string PngPath, string SvgPath);

/// <summary>
/// One image made of one or more panels laid out on a grid (row-major). Each panel is a ScottPlot
/// <see cref="Plot"/> already styled with <see cref="FigureStyle"/>; fill it with the helpers in
/// <see cref="PanelExtensions"/> or with ScottPlot directly.
/// </summary>
public sealed class Figure
{
    private readonly Plot[] _panels;

    /// <summary>A grid of <paramref name="rows"/>×<paramref name="columns"/> styled panels (like matplotlib's plt.subplots).</summary>
    /// <param name="rows">Panel rows, ≥ 1.</param>
    /// <param name="columns">Panel columns, ≥ 1.</param>
    /// <param name="panelWidth">Width of each panel in pixels, ≥ 100 (default 800).</param>
    /// <param name="panelHeight">Height of each panel in pixels, ≥ 100 (default 520).</param>
    /// <exception cref="ArgumentOutOfRangeException">A count is below 1 or a panel size below 100 pixels.</exception>
    public Figure(int rows = 1, int columns = 1, int panelWidth = FigureStyle.PanelWidth, int panelHeight = FigureStyle.PanelHeight)
    {
        if (rows < 1) throw new ArgumentOutOfRangeException(nameof(rows), rows, $"rows: expected at least 1, got {rows}");
        if (columns < 1) throw new ArgumentOutOfRangeException(nameof(columns), columns, $"columns: expected at least 1, got {columns}");
        if (panelWidth < 100) throw new ArgumentOutOfRangeException(nameof(panelWidth), panelWidth, $"panelWidth: expected at least 100 pixels, got {panelWidth}");
        if (panelHeight < 100) throw new ArgumentOutOfRangeException(nameof(panelHeight), panelHeight, $"panelHeight: expected at least 100 pixels, got {panelHeight}");
        Rows = rows;
        Columns = columns;
        PanelWidth = panelWidth;
        PanelHeight = panelHeight;
        EmbeddedFonts.EnsureRegistered();
        _panels = new Plot[rows * columns];
        for (int i = 0; i < _panels.Length; i++)
        {
            _panels[i] = new Plot();
            FigureStyle.Apply(_panels[i], "", "", "");
        }
    }

    /// <summary>Number of panel rows.</summary>
    public int Rows { get; }
    /// <summary>Number of panel columns.</summary>
    public int Columns { get; }
    /// <summary>Width of each panel, in pixels.</summary>
    public int PanelWidth { get; }
    /// <summary>Height of each panel, in pixels.</summary>
    public int PanelHeight { get; }
    /// <summary>Width of the whole image, in pixels.</summary>
    public int Width => Columns * PanelWidth;
    /// <summary>Height of the whole image, in pixels.</summary>
    public int Height => Rows * PanelHeight;
    /// <summary>Number of panels (Rows × Columns).</summary>
    public int PanelCount => _panels.Length;

    /// <summary>Panel <paramref name="index"/> in row-major order.</summary>
    public Plot Panel(int index)
    {
        if ((uint)index >= (uint)_panels.Length)
            throw new ArgumentOutOfRangeException(nameof(index), index, $"index: expected a panel index in [0, {_panels.Length - 1}], got {index}");
        return _panels[index];
    }

    /// <summary>Panel at <paramref name="row"/>, <paramref name="column"/>.</summary>
    public Plot Panel(int row, int column)
    {
        if ((uint)row >= (uint)Rows) throw new ArgumentOutOfRangeException(nameof(row), row, $"row: expected [0, {Rows - 1}], got {row}");
        if ((uint)column >= (uint)Columns) throw new ArgumentOutOfRangeException(nameof(column), column, $"column: expected [0, {Columns - 1}], got {column}");
        return _panels[row * Columns + column];
    }

    /// <summary>Draws every panel into its cell of <paramref name="canvas"/>.</summary>
    public void Render(SKCanvas canvas)
    {
        ArgumentNullException.ThrowIfNull(canvas);
        canvas.Clear(SKColors.White);
        for (int i = 0; i < _panels.Length; i++)
        {
            int row = i / Columns, column = i % Columns;
            // Each panel renders as if it owned the whole canvas (it clears its background), so it is
            // drawn in its own translated, clipped cell.
            canvas.Save();
            canvas.Translate(column * PanelWidth, row * PanelHeight);
            canvas.ClipRect(SKRect.Create(PanelWidth, PanelHeight));
            _panels[i].Render(canvas, new PixelRect(0, PanelWidth, PanelHeight, 0));
            canvas.Restore();
        }
    }

    /// <summary>The figure as PNG bytes (Width×Height pixels).</summary>
    /// <exception cref="InvalidOperationException">The drawing surface cannot be allocated.</exception>
    public byte[] ToPng()
    {
        using var surface = SKSurface.Create(new SKImageInfo(Width, Height, SKColorType.Rgba8888, SKAlphaType.Premul))
            ?? throw new InvalidOperationException($"could not allocate a {Width}x{Height} drawing surface");
        Render(surface.Canvas);
        using var image = surface.Snapshot();
        using var data = image.Encode(SKEncodedImageFormat.Png, 100);
        return data.ToArray();
    }

    /// <summary>The figure as an SVG document (UTF-8 bytes), Width×Height units.</summary>
    public byte[] ToSvg()
    {
        using var memory = new MemoryStream();
        // The SVG canvas writes its document when disposed, so it must be gone before reading the stream.
        using (var managed = new SKManagedWStream(memory))
        using (var canvas = SKSvgCanvas.Create(SKRect.Create(Width, Height), managed))
        {
            Render(canvas);
        }
        return memory.ToArray();
    }

    /// <summary>
    /// Writes <c>name.png</c> and <c>name.svg</c> into <paramref name="folder"/>, each atomically.
    /// <paramref name="name"/> is a file stem: letters, digits, '-', '_' and '.'.
    /// </summary>
    public SavedFigure Save(string folder, string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(folder);
        ValidateName(name);
        var png = Path.Combine(folder, name + ".png");
        var svg = Path.Combine(folder, name + ".svg");
        AtomicFile.WriteAllBytes(png, ToPng());
        AtomicFile.WriteAllBytes(svg, ToSvg());
        return new SavedFigure(name, png, svg);
    }

    private static void ValidateName(string name)
    {
        if (string.IsNullOrWhiteSpace(name) || !name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.') || name.StartsWith('.'))
            throw new ArgumentException($"name: expected a file stem of letters, digits, '-', '_' or '.', got '{name}'", nameof(name));
    }
}
