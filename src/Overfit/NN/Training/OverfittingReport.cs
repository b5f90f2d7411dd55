using System.Globalization;

namespace Overfit.NN;

/// <summary>One of Prechelt's criteria evaluated over a whole history.</summary>
/// <param name="Name">The criterion with its parameter, e.g. "GL5".</param>
/// <param name="Kind">"GL", "PQ" or "UP".</param>
/// <param name="Threshold">α (GL, PQ) or s (UP).</param>
/// <param name="StopEpoch">First epoch after which it stops training; null when it never fires.</param>
/// <param name="FinalValue">Its quantity at the last epoch (GL in percent, PQ the quotient, UP rising strips; NaN where undefined).</param>
public sealed record CriterionResult(string Name, string Kind, double Threshold, int? StopEpoch, double FinalValue);

/// <summary>
/// Whether, when and how strongly a training history overfits. Built by <see cref="Analyze"/> from the validation minimum,
/// the generalization gap (validation − training loss) after it and Prechelt's GL_α, PQ_α and UP_s criteria.
/// A history overfits when at least one strip of k epochs lies after the validation minimum, the validation loss of the
/// last strip stays more than α percent above its level at the minimum (<see cref="SustainedGeneralizationLoss"/>, which
/// compares strip medians, so a single spike or a noisy plateau does not count) and the gap widens after the minimum
/// (positive least-squares slope). GL_α then necessarily fires too.
/// </summary>
public sealed record OverfittingReport
{
    /// <summary>True when the history overfits (see the type's summary for the rule).</summary>
    public required bool Overfits { get; init; }

    /// <summary>When overfitting is detected: the first epoch after the validation minimum at which any criterion fires; null when it does not overfit.</summary>
    public required int? OnsetEpoch { get; init; }

    /// <summary>Epoch of the lowest validation loss (the first one on ties).</summary>
    public required int BestEpoch { get; init; }

    /// <summary>The lowest validation loss.</summary>
    public required double BestValidationLoss { get; init; }

    /// <summary>Validation loss at the last epoch.</summary>
    public required double FinalValidationLoss { get; init; }

    /// <summary>GL at the last epoch: percent above the validation minimum.</summary>
    public required double FinalGeneralizationLoss { get; init; }

    /// <summary>
    /// 100·(median validation loss of the last k epochs / median of the k epochs centred on the minimum − 1), in percent:
    /// how far the validation loss has risen and stayed, robust to single-epoch noise.
    /// </summary>
    public required double SustainedGeneralizationLoss { get; init; }

    /// <summary>Generalization gap (validation − training loss) at the best epoch.</summary>
    public required double GapAtBest { get; init; }

    /// <summary>Generalization gap at the last epoch.</summary>
    public required double GapAtEnd { get; init; }

    /// <summary>Least-squares slope of the gap per epoch from the best epoch to the last (NaN with fewer than two epochs there).</summary>
    public required double GapTrend { get; init; }

    /// <summary>Number of epochs analysed.</summary>
    public required int Epochs { get; init; }

    /// <summary>Strip length k used by PQ, UP and the sustained generalization loss.</summary>
    public required int StripLength { get; init; }

    /// <summary>GL, PQ and UP over the whole history, in that order.</summary>
    public required IReadOnlyList<CriterionResult> Criteria { get; init; }

    /// <summary>One plain sentence for people: the verdict, the onset and the strength.</summary>
    public string Describe()
    {
        var c = CultureInfo.InvariantCulture;
        string fired = string.Join(", ", Criteria.Select(r => r.StopEpoch is int e ? $"{r.Name} at epoch {e}" : $"{r.Name} never"));
        return Overfits
            ? string.Create(c, $"overfits from epoch {OnsetEpoch}: validation loss lowest at epoch {BestEpoch} ({BestValidationLoss:G4}), the last {StripLength} epochs {SustainedGeneralizationLoss:F1}% above that level; the gap grows by {GapTrend:G3} per epoch ({GapAtBest:G3} -> {GapAtEnd:G3}); criteria: {fired}")
            : string.Create(c, $"does not overfit: validation loss lowest at epoch {BestEpoch} ({BestValidationLoss:G4}), the last {StripLength} epochs {SustainedGeneralizationLoss:F1}% above that level (threshold {Criteria[0].Threshold:G3}%); gap trend {GapTrend:G3} per epoch; criteria: {fired}");
    }

    /// <summary>Analyses <paramref name="history"/> with GL_<paramref name="glAlpha"/>, PQ_<paramref name="pqAlpha"/> and UP_<paramref name="upStrips"/>.</summary>
    /// <param name="history">At least <paramref name="stripLength"/> epochs of finite losses.</param>
    /// <param name="glAlpha">GL threshold in percent (default 5).</param>
    /// <param name="pqAlpha">PQ threshold (default 3).</param>
    /// <param name="upStrips">UP's number of successive rising strips (default 2).</param>
    /// <param name="stripLength">Strip length k (default 5, Prechelt's).</param>
    /// <exception cref="ArgumentException">Fewer than k epochs, or a validation minimum of 0.</exception>
    public static OverfittingReport Analyze(LossHistory history, double glAlpha = 5, double pqAlpha = 3, int upStrips = 2, int stripLength = 5)
    {
        ArgumentNullException.ThrowIfNull(history);
        StoppingCriteria.RequireStrip(history, stripLength);
        IStoppingCriterion[] criteria =
        [
            new GeneralizationLossCriterion(glAlpha),
            new ProgressQuotientCriterion(pqAlpha, stripLength),
            new SuccessiveIncreasesCriterion(upStrips, stripLength),
        ];
        string[] kinds = ["GL", "PQ", "UP"];
        double[] thresholds = [glAlpha, pqAlpha, upStrips];
        int n = history.Count;
        var val = history.ValidationLoss;
        int best = 0;
        for (int t = 1; t < n; t++) if (val[t] < val[best]) best = t;
        var gl = StoppingCriteria.GeneralizationLoss(history);

        // Which criteria fire after each epoch, as callbacks would see it.
        var fires = new bool[criteria.Length, n];
        for (int t = 0; t < n; t++)
        {
            var prefix = history.Take(t + 1);
            for (int c = 0; c < criteria.Length; c++) fires[c, t] = criteria[c].ShouldStop(prefix);
        }
        var results = new CriterionResult[criteria.Length];
        for (int c = 0; c < criteria.Length; c++)
        {
            int first = Enumerable.Range(0, n).FirstOrDefault(t => fires[c, t], -1);
            results[c] = new CriterionResult(criteria[c].Name, kinds[c], thresholds[c], first < 0 ? null : history.Epochs[first], criteria[c].Value(history));
        }

        double[] gap = Enumerable.Range(0, n).Select(t => val[t] - history.TrainLoss[t]).ToArray();
        double trend = Slope(history.Epochs, gap, best);
        int half = stripLength / 2;
        int from = Math.Clamp(best - half, 0, Math.Max(0, n - stripLength));
        double atMinimum = Median(val, from, Math.Min(n, from + stripLength));
        double sustained = 100 * (Median(val, n - stripLength, n) / atMinimum - 1);
        bool overfits = n - 1 - best >= stripLength && sustained > glAlpha && trend > 0;
        int? onset = null;
        if (overfits)
            for (int t = best + 1; t < n && onset is null; t++)
                for (int c = 0; c < criteria.Length; c++)
                    if (fires[c, t]) { onset = history.Epochs[t]; break; }
        return new OverfittingReport
        {
            Overfits = overfits,
            OnsetEpoch = onset,
            BestEpoch = history.Epochs[best],
            BestValidationLoss = val[best],
            FinalValidationLoss = val[^1],
            FinalGeneralizationLoss = gl[^1],
            SustainedGeneralizationLoss = sustained,
            StripLength = stripLength,
            GapAtBest = gap[best],
            GapAtEnd = gap[^1],
            GapTrend = trend,
            Epochs = n,
            Criteria = results,
        };
    }

    /// <summary>The report as the <c>overfit diagnose --json</c> object: overfits, onset_epoch, best_epoch and criteria.</summary>
    public Dictionary<string, object?> ToJsonObject() => new()
    {
        ["overfits"] = Overfits,
        ["onset_epoch"] = OnsetEpoch,
        ["best_epoch"] = BestEpoch,
        ["criteria"] = Criteria.ToDictionary(r => r.Kind, r => (object?)new Dictionary<string, object?>
        {
            ["name"] = r.Name,
            ["threshold"] = r.Threshold,
            ["stop_epoch"] = r.StopEpoch,
            ["final_value"] = double.IsFinite(r.FinalValue) ? r.FinalValue : null,
        }),
    };

    private static double Median(IReadOnlyList<double> values, int from, int to)
    {
        var sorted = values.Skip(from).Take(to - from).Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }

    /// <summary>Least-squares slope of <paramref name="y"/> against the epoch numbers from index <paramref name="from"/> on.</summary>
    private static double Slope(IReadOnlyList<int> epochs, double[] y, int from)
    {
        int m = y.Length - from;
        if (m < 2) return double.NaN;
        double mx = 0, my = 0;
        for (int i = from; i < y.Length; i++) { mx += epochs[i]; my += y[i]; }
        mx /= m;
        my /= m;
        double sxy = 0, sxx = 0;
        for (int i = from; i < y.Length; i++) { sxy += (epochs[i] - mx) * (y[i] - my); sxx += (epochs[i] - mx) * (epochs[i] - mx); }
        return sxy / sxx;
    }
}
