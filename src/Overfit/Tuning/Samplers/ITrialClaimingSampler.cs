namespace Overfit.Tuning;

/// <summary>
/// A sampler whose pick for a new trial must be made atomically with the trial's creation, across every worker of the
/// study, so that no two trials get the same pick (<see cref="GridSampler"/>: each grid point once). <see cref="Study.Ask"/>
/// creates its trials through <see cref="IStorage.ClaimNewTrial"/>, which calls <see cref="Claim"/> while trial
/// creation in the study is locked.
/// </summary>
internal interface ITrialClaimingSampler
{
    /// <summary>
    /// The new trial's system attributes, picked from the study's <paramref name="trials"/>; null when nothing is left to
    /// pick. With <paramref name="repeat"/> a pick is always made, repeating one already taken when nothing is free (as
    /// Optuna's GridSampler does for an explicit ask). May be called again for the same trial (a retried transaction).
    /// </summary>
    IReadOnlyDictionary<string, object?>? Claim(IReadOnlyList<FrozenTrial> trials, bool repeat);
}
