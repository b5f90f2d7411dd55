using System.Globalization;

namespace Overfit.NN;

/// <summary>
/// A rule that decides, after each epoch, whether training should stop, looking at the history so far (Prechelt,
/// "Early Stopping — But When?", 1998). Used by <see cref="EarlyStopping"/> as a callback and by
/// <see cref="StoppingCriteria.FirstStop"/> over a recorded history.
/// </summary>
public interface IStoppingCriterion
{
    /// <summary>Short name with its parameter, e.g. "GL5", "PQ0.5", "UP3".</summary>
    string Name { get; }

    /// <summary>The criterion's quantity at the last epoch of <paramref name="history"/> (NaN where it is not defined there).</summary>
    double Value(LossHistory history);

    /// <summary>True when training should stop after the last epoch of <paramref name="history"/>.</summary>
    bool ShouldStop(LossHistory history);
}

/// <summary>
/// GL_α: stop after the first epoch whose generalization loss GL(t) = 100·(E_va(t)/E_opt(t) − 1) exceeds α, where
/// E_opt(t) is the lowest validation loss up to t (Prechelt 1998, section 2.2).
/// </summary>
public sealed class GeneralizationLossCriterion : IStoppingCriterion
{
    /// <summary>Creates GL_α.</summary>
    /// <param name="alpha">Threshold in percent above the best validation loss (default 5), &gt; 0.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="alpha"/> not a positive finite number.</exception>
    public GeneralizationLossCriterion(double alpha = 5)
    {
        if (!(alpha > 0) || !double.IsFinite(alpha)) throw new ArgumentOutOfRangeException(nameof(alpha), $"alpha: expected a positive percentage, got {alpha}");
        Alpha = alpha;
    }

    /// <summary>Threshold α in percent.</summary>
    public double Alpha { get; }

    /// <inheritdoc />
    public string Name => "GL" + Alpha.ToString(CultureInfo.InvariantCulture);

    /// <inheritdoc />
    public double Value(LossHistory history) => StoppingCriteria.GeneralizationLoss(history)[^1];

    /// <inheritdoc />
    public bool ShouldStop(LossHistory history) => Value(history) > Alpha;
}

/// <summary>
/// PQ_α: stop after the first end-of-strip epoch t (t a multiple of the strip length k) with GL(t) / P_k(t) &gt; α, where
/// the training progress P_k(t) = 1000·(Σ E_tr over the strip / (k · min E_tr over the strip) − 1) (Prechelt 1998).
/// </summary>
public sealed class ProgressQuotientCriterion : IStoppingCriterion
{
    /// <summary>Creates PQ_α.</summary>
    /// <param name="alpha">Threshold on GL/P_k (default 3), &gt; 0.</param>
    /// <param name="stripLength">Strip length k in epochs (default 5, Prechelt's), ≥ 1.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="alpha"/> not positive or <paramref name="stripLength"/> &lt; 1.</exception>
    public ProgressQuotientCriterion(double alpha = 3, int stripLength = 5)
    {
        if (!(alpha > 0) || !double.IsFinite(alpha)) throw new ArgumentOutOfRangeException(nameof(alpha), $"alpha: expected a positive number, got {alpha}");
        if (stripLength < 1) throw new ArgumentOutOfRangeException(nameof(stripLength), $"stripLength: expected at least 1 epoch, got {stripLength}");
        Alpha = alpha;
        StripLength = stripLength;
    }

    /// <summary>Threshold α on the quotient GL/P_k.</summary>
    public double Alpha { get; }

    /// <summary>Strip length k in epochs.</summary>
    public int StripLength { get; }

    /// <inheritdoc />
    public string Name => "PQ" + Alpha.ToString(CultureInfo.InvariantCulture);

    /// <inheritdoc />
    public double Value(LossHistory history) => StoppingCriteria.ProgressQuotient(history, StripLength)[^1];

    /// <inheritdoc />
    public bool ShouldStop(LossHistory history) => history.Count % StripLength == 0 && Value(history) > Alpha;
}

/// <summary>
/// UP_s: stop after the end-of-strip epoch t when the validation loss rose in s successive strips,
/// E_va(t − j·k) &gt; E_va(t − (j+1)·k) for j = 0..s−1 (Prechelt 1998).
/// </summary>
public sealed class SuccessiveIncreasesCriterion : IStoppingCriterion
{
    /// <summary>Creates UP_s.</summary>
    /// <param name="strips">Number s of successive strips with a rising validation loss (default 2), ≥ 1.</param>
    /// <param name="stripLength">Strip length k in epochs (default 5), ≥ 1.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="strips"/> or <paramref name="stripLength"/> below 1.</exception>
    public SuccessiveIncreasesCriterion(int strips = 2, int stripLength = 5)
    {
        if (strips < 1) throw new ArgumentOutOfRangeException(nameof(strips), $"strips: expected at least 1, got {strips}");
        if (stripLength < 1) throw new ArgumentOutOfRangeException(nameof(stripLength), $"stripLength: expected at least 1 epoch, got {stripLength}");
        Strips = strips;
        StripLength = stripLength;
    }

    /// <summary>Number s of successive rising strips.</summary>
    public int Strips { get; }

    /// <summary>Strip length k in epochs.</summary>
    public int StripLength { get; }

    /// <inheritdoc />
    public string Name => "UP" + Strips.ToString(CultureInfo.InvariantCulture);

    /// <summary>How many successive strips, ending at the last strip end so far, had a rising validation loss (NaN before the first strip end).</summary>
    public double Value(LossHistory history)
    {
        var up = StoppingCriteria.RisingStrips(history, StripLength);
        int lastEnd = history.Count / StripLength * StripLength - 1;
        return lastEnd >= 0 ? up[lastEnd] : double.NaN;
    }

    /// <inheritdoc />
    public bool ShouldStop(LossHistory history) => history.Count % StripLength == 0 && Value(history) >= Strips;
}

/// <summary>Prechelt's quantities over a whole recorded history, and the epoch at which a criterion would have stopped.</summary>
public static class StoppingCriteria
{
    /// <summary>GL(t) = 100·(E_va(t)/min_{t'≤t} E_va(t') − 1) for every epoch, in percent.</summary>
    /// <exception cref="ArgumentException">A best validation loss of 0 (the ratio is undefined).</exception>
    public static double[] GeneralizationLoss(LossHistory history)
    {
        ArgumentNullException.ThrowIfNull(history);
        var gl = new double[history.Count];
        double best = double.PositiveInfinity;
        for (int t = 0; t < gl.Length; t++)
        {
            best = Math.Min(best, history.ValidationLoss[t]);
            if (best == 0 && history.ValidationLoss[t] > 0)
                throw new ArgumentException($"history: the generalization loss needs positive validation losses, got a best loss of 0 at or before epoch {history.Epochs[t]}", nameof(history));
            gl[t] = best == 0 ? 0 : 100 * (history.ValidationLoss[t] / best - 1);
        }
        return gl;
    }

    /// <summary>
    /// Training progress P_k(t) = 1000·(Σ_{strip} E_tr / (k · min_{strip} E_tr) − 1) over the k epochs ending at t, in per mille;
    /// NaN for the first k − 1 epochs.
    /// </summary>
    public static double[] TrainingProgress(LossHistory history, int stripLength = 5)
    {
        ArgumentNullException.ThrowIfNull(history);
        CheckStrip(stripLength);
        var p = new double[history.Count];
        for (int t = 0; t < p.Length; t++)
        {
            if (t + 1 < stripLength) { p[t] = double.NaN; continue; }
            double sum = 0, min = double.PositiveInfinity;
            for (int i = t - stripLength + 1; i <= t; i++) { sum += history.TrainLoss[i]; min = Math.Min(min, history.TrainLoss[i]); }
            // A strip of zero training loss has made no progress; one with a zero minimum and some loss, unbounded progress.
            p[t] = min > 0 ? 1000 * (sum / (stripLength * min) - 1) : sum > 0 ? double.PositiveInfinity : 0;
        }
        return p;
    }

    /// <summary>PQ(t) = GL(t) / P_k(t) for every epoch (NaN for the first k − 1 epochs; +∞ where GL &gt; 0 and no progress is left).</summary>
    public static double[] ProgressQuotient(LossHistory history, int stripLength = 5)
    {
        var gl = GeneralizationLoss(history);
        var p = TrainingProgress(history, stripLength);
        var q = new double[gl.Length];
        for (int t = 0; t < q.Length; t++)
            q[t] = double.IsNaN(p[t]) ? double.NaN : p[t] > 0 ? gl[t] / p[t] : gl[t] > 0 ? double.PositiveInfinity : 0;
        return q;
    }

    /// <summary>
    /// At each end-of-strip epoch t (t = k, 2k, …), the number of successive strips ending at t whose validation loss rose
    /// (E_va(t) &gt; E_va(t − k), then t − k against t − 2k, …); NaN at other epochs. UP_s stops where this reaches s.
    /// </summary>
    public static double[] RisingStrips(LossHistory history, int stripLength = 5)
    {
        ArgumentNullException.ThrowIfNull(history);
        CheckStrip(stripLength);
        var up = new double[history.Count];
        for (int t = 0; t < up.Length; t++)
        {
            if ((t + 1) % stripLength != 0) { up[t] = double.NaN; continue; }
            int previous = t - stripLength;
            up[t] = previous >= 0 && history.ValidationLoss[t] > history.ValidationLoss[previous] ? up[previous] + 1 : 0;
        }
        return up;
    }

    /// <summary>
    /// The first epoch (its number in <see cref="LossHistory.Epochs"/>) after which <paramref name="criterion"/> stops training,
    /// evaluating it on every prefix of <paramref name="history"/> as a callback would; null when it never fires.
    /// </summary>
    public static int? FirstStop(IStoppingCriterion criterion, LossHistory history)
    {
        ArgumentNullException.ThrowIfNull(criterion);
        ArgumentNullException.ThrowIfNull(history);
        for (int n = 1; n <= history.Count; n++)
            if (criterion.ShouldStop(history.Take(n))) return history.Epochs[n - 1];
        return null;
    }

    /// <summary>Refuses, with a clear message, histories too short to hold one strip of <paramref name="stripLength"/> epochs.</summary>
    /// <exception cref="ArgumentException">Fewer than <paramref name="stripLength"/> epochs.</exception>
    public static void RequireStrip(LossHistory history, int stripLength = 5)
    {
        ArgumentNullException.ThrowIfNull(history);
        CheckStrip(stripLength);
        if (history.Count < stripLength)
            throw new ArgumentException($"history: expected at least {stripLength} epochs (one strip of k = {stripLength} for the PQ and UP criteria), got {history.Count}", nameof(history));
    }

    private static void CheckStrip(int stripLength)
    {
        if (stripLength < 1) throw new ArgumentOutOfRangeException(nameof(stripLength), $"stripLength: expected at least 1 epoch, got {stripLength}");
    }
}
