using System.Reflection;
using ScottPlot;
using SkiaSharp;

namespace Overfit.Plotting;

/// <summary>
/// Registers the DejaVu Sans faces shipped inside this assembly with ScottPlot, so that figure text
/// renders identically on machines that have no system fonts at all (a bare server or container).
/// </summary>
public static class EmbeddedFonts
{
    /// <summary>The family name every figure uses.</summary>
    public const string FamilyName = "DejaVu Sans";

    private static readonly Lazy<EmbeddedFontResolver> Resolver = new(() =>
    {
        var resolver = new EmbeddedFontResolver(Load("DejaVuSans.ttf"), Load("DejaVuSans-Bold.ttf"));
        lock (Fonts.FontResolvers)
        {
            Fonts.FontResolvers.Insert(0, resolver);
        }
        Fonts.Default = FamilyName;
        Fonts.Sans = FamilyName;
        return resolver;
    }, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>Idempotent and thread-safe; every figure calls it before drawing.</summary>
    public static void EnsureRegistered() => _ = Resolver.Value;

    /// <summary>The regular face, for callers that measure or draw text themselves.</summary>
    public static SKTypeface Regular => Resolver.Value.Regular;

    private static SKTypeface Load(string fileName)
    {
        var name = $"Overfit.Plotting.Fonts.{fileName}";
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"embedded font '{name}' is missing from {typeof(EmbeddedFonts).Assembly.GetName().Name}");
        var typeface = SKTypeface.FromStream(stream);
        return typeface ?? throw new InvalidOperationException($"embedded font '{name}' could not be read as a TrueType font");
    }

    private sealed class EmbeddedFontResolver(SKTypeface regular, SKTypeface bold) : IFontResolver
    {
        public SKTypeface Regular { get; } = regular;
        public SKTypeface Bold { get; } = bold;

        public SKTypeface? CreateTypeface(string fontName, FontWeight weight, FontSlant slant, FontSpacing width) =>
            CreateTypeface(fontName, weight >= FontWeight.SemiBold, slant != FontSlant.Upright);

        public SKTypeface? CreateTypeface(string fontName, bool bold, bool italic) =>
            string.Equals(fontName, FamilyName, StringComparison.OrdinalIgnoreCase) ? (bold ? Bold : Regular) : null;
    }
}
