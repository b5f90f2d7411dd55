namespace Overfit.Dashboard;

/// <summary>How a dashboard serves its storage (optuna-dashboard's command-line switches).</summary>
public sealed class DashboardOptions
{
    /// <summary>Accept notes and study deletion through the API; false (the default) answers every write with 403.</summary>
    public bool AllowWrites { get; init; }

    /// <summary>fANOVA trees for the importance panel; 64 by default like Optuna's FanovaImportanceEvaluator.</summary>
    public int FanovaTrees { get; init; } = 64;

    /// <summary>
    /// The most completed trials fANOVA's forest is fitted on; 1,000 by default. A larger study is scored on a seeded
    /// uniform subsample of this many of its completed trials (seed <see cref="FanovaSubsampleSeed"/>, the same trials
    /// for the same study), because the forest's cost grows faster than the trial count: 10,000 trials take minutes,
    /// 1,000 a few seconds. The importance reply says how many trials were used. PED-ANOVA always uses every trial.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is below 2 (importances need two trials).</exception>
    public int FanovaMaxTrials
    {
        get => _fanovaMaxTrials;
        init => _fanovaMaxTrials = value >= 2 ? value : throw new ArgumentOutOfRangeException(nameof(FanovaMaxTrials), value, $"FanovaMaxTrials: expected at least 2 trials, got {value}");
    }

    private readonly int _fanovaMaxTrials = 1000;

    /// <summary>Seed of the fANOVA subsample (see <see cref="FanovaMaxTrials"/>); 0 by default.</summary>
    public ulong FanovaSubsampleSeed { get; init; }
}
