using System.Globalization;

namespace Overfit.Cli.Infrastructure;

/// <summary>Chooses and creates the folder a run writes into.</summary>
public static class RunDirectory
{
    /// <summary><c>runs/&lt;yyyyMMdd-HHmmss&gt;-&lt;command&gt;</c> under the current folder, made unique with a suffix.</summary>
    public static string DefaultPath(string commandName, DateTime utcNow)
    {
        var stamp = utcNow.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture);
        var basePath = Path.Combine("runs", $"{stamp}-{Slug(commandName)}");
        var path = basePath;
        for (int suffix = 2; Directory.Exists(path); suffix++) path = $"{basePath}-{suffix}";
        return path;
    }

    /// <summary>Creates <paramref name="requested"/> (or the default path) and returns its full path.</summary>
    public static string Create(string? requested, string commandName, DateTime utcNow)
    {
        var path = string.IsNullOrWhiteSpace(requested) ? DefaultPath(commandName, utcNow) : requested;
        if (File.Exists(path))
            throw new IOException($"--out: expected a directory, got the existing file '{path}'");
        return Directory.CreateDirectory(path).FullName;
    }

    /// <summary>A command path such as "gp bike-route" as one file-name-safe word: "gp-bike-route".</summary>
    public static string Slug(string name) =>
        string.Join('-', name.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            .Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' ? c : '-')
            .Aggregate(new System.Text.StringBuilder(), (sb, c) => sb.Append(c), sb => sb.ToString());
}
