namespace Overfit.Tuning;

/// <summary>Opens a study storage from a URL (Optuna's <c>optuna.storages.get_storage</c>).</summary>
public static class StorageFactory
{
    /// <summary>
    /// The storage a URL names: <c>sqlite:///PATH</c> or a plain file path opens an <see cref="RdbStorage"/>.
    /// Throws ArgumentException naming the URL for an empty or unsupported one.
    /// </summary>
    public static IStorage FromUrl(string url)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(url);
        return new RdbStorage(url);
    }
}
