using System.Globalization;

namespace Overfit.Benchmarks;

/// <summary>The `--n N --reps R --json` options that the single-size benchmarks share.</summary>
internal static class SizeRepsOptions
{
    /// <summary>
    /// Reads the options over the given defaults; prints one line and returns false for an unknown option or a
    /// value that is not a whole number.
    /// </summary>
    public static bool TryParse(string[] args, ref int n, ref int reps, out bool json)
    {
        json = false;
        for (int i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--n" when i + 1 < args.Length && int.TryParse(args[i + 1], NumberStyles.Integer, CultureInfo.InvariantCulture, out n): i++; break;
                case "--reps" when i + 1 < args.Length && int.TryParse(args[i + 1], NumberStyles.Integer, CultureInfo.InvariantCulture, out reps): i++; break;
                case "--json": json = true; break;
                default: Console.Error.WriteLine($"unexpected option {args[i]}; expected --n N --reps R --json"); return false;
            }
        }
        return true;
    }
}
