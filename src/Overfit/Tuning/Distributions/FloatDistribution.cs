using System.Globalization;
using System.Text;

namespace Overfit.Tuning;

/// <summary>
/// A float parameter on [low, high], uniform or log-uniform, optionally on a grid of <see cref="Step"/> (Optuna's
/// FloatDistribution). When the range is not a multiple of the step, high is lowered to the last grid point, as Optuna does.
/// </summary>
public sealed class FloatDistribution : Distribution
{
    /// <summary>Validates the space; <paramref name="name"/> only names the parameter in error messages.</summary>
    public FloatDistribution(double low, double high, bool log = false, double? step = null, string name = "")
    {
        string who = name.Length > 0 ? $"parameter '{name}': " : "";
        if (double.IsNaN(low) || double.IsInfinity(low)) throw new ArgumentOutOfRangeException(nameof(low), low, $"{who}low must be finite, got {low}");
        if (double.IsNaN(high) || double.IsInfinity(high)) throw new ArgumentOutOfRangeException(nameof(high), high, $"{who}high must be finite, got {high}");
        if (log && step is not null) throw new ArgumentException($"{who}step is not supported when log is true (step={step})", nameof(step));
        if (low > high) throw new ArgumentException($"{who}low must be <= high, got low={low}, high={high}", nameof(low));
        if (log && low <= 0.0) throw new ArgumentOutOfRangeException(nameof(low), low, $"{who}low must be > 0 for a log distribution, got low={low}, high={high}");
        if (step is { } s && (!(s > 0) || double.IsInfinity(s))) throw new ArgumentOutOfRangeException(nameof(step), step, $"{who}step must be a finite positive number, got {s}");
        Low = low;
        High = step is { } st ? AdjustHigh(low, high, st) : high;
        Log = log;
        Step = step;
    }

    /// <summary>Lower end of the range.</summary>
    public double Low { get; }
    /// <summary>Upper end (lowered to the last grid point when stepped).</summary>
    public double High { get; }
    /// <summary>Whether values are sampled uniformly in log space.</summary>
    public bool Log { get; }
    /// <summary>Grid step, or null for a continuous range.</summary>
    public double? Step { get; }
    /// <inheritdoc/>
    public override string OptunaName => "FloatDistribution";

    /// <inheritdoc/>
    public override bool Single
    {
        get
        {
            if (Low == High) return true;
            if (Step is not { } s) return false;
            return (decimal)High - (decimal)Low < (decimal)s;
        }
    }

    /// <inheritdoc/>
    public override bool Contains(double internalValue)
    {
        if (!(Low <= internalValue && internalValue <= High)) return false;
        if (Step is not { } s) return true;
        double k = (internalValue - Low) / s;
        return Math.Abs(k - Math.Round(k)) < 1e-8;
    }

    /// <inheritdoc/>
    public override object? ToExternal(double internalValue) => internalValue;

    /// <inheritdoc/>
    public override double ToInternal(object? externalValue)
    {
        double v = externalValue switch
        {
            double d => d,
            float f => f,
            int i => i,
            long l => l,
            decimal m => (double)m,
            IConvertible c when externalValue is not string and not bool => c.ToDouble(CultureInfo.InvariantCulture),
            _ => throw new ArgumentException($"expected a number for a float parameter, got {externalValue ?? "null"} ({externalValue?.GetType().Name ?? "null"})", nameof(externalValue)),
        };
        if (double.IsNaN(v)) throw new ArgumentException("NaN is not a valid float parameter value", nameof(externalValue));
        if (Log && v <= 0) throw new ArgumentException($"expected a positive value for a log distribution, got {v}", nameof(externalValue));
        return v;
    }

    /// <summary>Largest grid point low + k·step not above high, computed in decimal as Optuna does to avoid 0.1-style drift.</summary>
    private static double AdjustHigh(double low, double high, double step)
    {
        try
        {
            decimal dl = decimal.Parse(low.ToString("R", CultureInfo.InvariantCulture), NumberStyles.Float, CultureInfo.InvariantCulture);
            decimal dh = decimal.Parse(high.ToString("R", CultureInfo.InvariantCulture), NumberStyles.Float, CultureInfo.InvariantCulture);
            decimal ds = decimal.Parse(step.ToString("R", CultureInfo.InvariantCulture), NumberStyles.Float, CultureInfo.InvariantCulture);
            decimal r = dh - dl;
            if (r % ds == 0) return high;
            return (double)(Math.Floor(r / ds) * ds + dl);
        }
        catch (OverflowException)
        {
            double k = Math.Floor((high - low) / step);
            return low + k * step;
        }
    }

    private protected override void WriteAttributes(StringBuilder sb)
        => sb.Append("\"step\": ").Append(Step is { } s ? Number(s) : "null")
             .Append(", \"low\": ").Append(Number(Low))
             .Append(", \"high\": ").Append(Number(High))
             .Append(", \"log\": ").Append(Log ? "true" : "false");

    /// <inheritdoc/>
    public override bool Equals(Distribution? other)
        => other is FloatDistribution f && f.Low == Low && f.High == High && f.Log == Log && f.Step == Step;

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Low, High, Log, Step);
}
