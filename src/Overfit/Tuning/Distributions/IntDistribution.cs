using System.Globalization;
using System.Text;

namespace Overfit.Tuning;

/// <summary>
/// An integer parameter on [low, high] with a step, uniform or log-uniform (Optuna's IntDistribution). When the range is
/// not a multiple of the step, high is lowered to the last grid point, as Optuna does.
/// </summary>
public sealed class IntDistribution : Distribution
{
    /// <summary>Validates the space; <paramref name="name"/> only names the parameter in error messages.</summary>
    public IntDistribution(int low, int high, bool log = false, int step = 1, string name = "")
    {
        string who = name.Length > 0 ? $"parameter '{name}': " : "";
        if (log && step != 1) throw new ArgumentException($"{who}step must be 1 when log is true, got step={step}", nameof(step));
        if (low > high) throw new ArgumentException($"{who}low must be <= high, got low={low}, high={high}", nameof(low));
        if (log && low < 1) throw new ArgumentOutOfRangeException(nameof(low), low, $"{who}low must be >= 1 for a log distribution, got low={low}, high={high}");
        if (step <= 0) throw new ArgumentOutOfRangeException(nameof(step), step, $"{who}step must be a positive integer, got {step}");
        Low = low;
        long r = (long)high - low;
        High = (int)(r / step * step + low);
        Log = log;
        Step = step;
    }

    /// <summary>Lower end of the range.</summary>
    public int Low { get; }
    /// <summary>Upper end (lowered to the last grid point).</summary>
    public int High { get; }
    /// <summary>Whether values are sampled uniformly in log space.</summary>
    public bool Log { get; }
    /// <summary>Grid step (1 when log).</summary>
    public int Step { get; }
    /// <inheritdoc/>
    public override string OptunaName => "IntDistribution";

    /// <inheritdoc/>
    public override bool Single => Log ? Low == High : Low == High || (long)High - Low < Step;

    /// <inheritdoc/>
    public override bool Contains(double internalValue)
        => Low <= internalValue && internalValue <= High && (internalValue - Low) % Step == 0;

    /// <inheritdoc/>
    public override object? ToExternal(double internalValue) => (int)internalValue;

    /// <inheritdoc/>
    public override double ToInternal(object? externalValue)
    {
        double v = externalValue switch
        {
            int i => i,
            long l => l,
            short s => s,
            byte b => b,
            double d when d == Math.Floor(d) => d,
            float f when f == MathF.Floor(f) => f,
            IConvertible c when externalValue is not string and not bool and not double and not float => c.ToDouble(CultureInfo.InvariantCulture),
            _ => throw new ArgumentException($"expected an integer for an int parameter, got {externalValue ?? "null"} ({externalValue?.GetType().Name ?? "null"})", nameof(externalValue)),
        };
        if (Log && v <= 0) throw new ArgumentException($"expected a positive value for a log distribution, got {v}", nameof(externalValue));
        return v;
    }

    private protected override void WriteAttributes(StringBuilder sb)
        => sb.Append("\"log\": ").Append(Log ? "true" : "false")
             .Append(", \"step\": ").Append(Step.ToString(CultureInfo.InvariantCulture))
             .Append(", \"low\": ").Append(Low.ToString(CultureInfo.InvariantCulture))
             .Append(", \"high\": ").Append(High.ToString(CultureInfo.InvariantCulture));

    /// <inheritdoc/>
    public override bool Equals(Distribution? other)
        => other is IntDistribution d && d.Low == Low && d.High == High && d.Log == Log && d.Step == Step;

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Low, High, Log, Step);
}
