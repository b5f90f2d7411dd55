namespace Overfit.Tuning;

/// <summary>Opens a study storage from a URL (Optuna's <c>optuna.storages.get_storage</c>).</summary>
public static class StorageFactory
{
    /// <summary>
    /// The storage a URL names: <c>sqlite:///PATH</c>, a plain file path or
    /// <c>postgresql://USER[:PASSWORD]@HOST[:PORT]/DATABASE</c> opens an <see cref="RdbStorage"/>.
    /// Throws ArgumentException naming the URL for an empty or unsupported one.
    /// </summary>
    public static IStorage FromUrl(string url) => FromUrl(url, null, null);

    /// <summary>
    /// <see cref="FromUrl(string)"/> with heartbeats: running trials beat every <paramref name="heartbeatInterval"/>,
    /// and <paramref name="failedTrialCallback"/> sees each trial failed as stale (e.g. a
    /// <see cref="RetryFailedTrialCallback"/>); Optuna's RDBStorage(heartbeat_interval, failed_trial_callback).
    /// </summary>
    /// <exception cref="ArgumentException">an empty or unsupported URL</exception>
    public static IStorage FromUrl(string url, TimeSpan? heartbeatInterval, Action<Study, FrozenTrial>? failedTrialCallback)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(url);
        return new RdbStorage(url, heartbeatInterval, failedTrialCallback: failedTrialCallback);
    }
}
