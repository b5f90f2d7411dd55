using System.Globalization;

namespace Overfit.Benchmarks;

/// <summary>
/// A benchmark's command line: `--name value` options and bare flags, checked against the names the benchmark
/// declares. An unknown option, an option without its value or a value that is not a number throws
/// <see cref="BenchOptionException"/>, which <see cref="Program"/> prints as one line with exit code 2.
/// </summary>
internal sealed class BenchOptions
{
    private readonly Dictionary<string, string> _values = new(StringComparer.Ordinal);
    private readonly HashSet<string> _flags = new(StringComparer.Ordinal);

    private BenchOptions() { }

    /// <summary>Reads <paramref name="args"/>; <paramref name="valueOptions"/> take the argument after them, <paramref name="flags"/> none.</summary>
    public static BenchOptions Parse(string[] args, IReadOnlyCollection<string> valueOptions, IReadOnlyCollection<string> flags)
    {
        var o = new BenchOptions();
        for (int i = 0; i < args.Length; i++)
        {
            string a = args[i];
            if (flags.Contains(a)) o._flags.Add(a);
            else if (valueOptions.Contains(a)) o._values[a] = Next(args, ref i);
            else
                throw new BenchOptionException($"unknown option '{a}'; expected {string.Join(" ", valueOptions.Select(v => v + " VALUE").Concat(flags))}");
        }
        return o;
    }

    /// <summary>The value after the option at <paramref name="i"/>, advancing <paramref name="i"/> past it.</summary>
    public static string Next(string[] args, ref int i)
    {
        if (i + 1 >= args.Length) throw new BenchOptionException($"{args[i]} expects a value after it, got the end of the command line");
        return args[++i];
    }

    /// <summary>Whether the flag was given.</summary>
    public bool Flag(string name) => _flags.Contains(name);

    /// <summary>The option's value, or null when it was not given.</summary>
    public string? String(string name) => _values.GetValueOrDefault(name);

    /// <summary>The option's whole-number value (from <paramref name="min"/> to <paramref name="max"/>), or <paramref name="fallback"/> when it was not given.</summary>
    public int Int(string name, int fallback, int min = int.MinValue, int max = int.MaxValue)
    {
        if (String(name) is not { } s) return fallback;
        if (!int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out int v) || v < min || v > max)
        {
            string range = max < int.MaxValue ? $" from {min} to {max}" : min > int.MinValue ? $" >= {min}" : "";
            throw new BenchOptionException($"{name} expects a whole number{range}, got '{s}'");
        }
        return v;
    }
}

/// <summary>A malformed benchmark command line; the message is the one line printed.</summary>
internal sealed class BenchOptionException(string message) : Exception(message);
