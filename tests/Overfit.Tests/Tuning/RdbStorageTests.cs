using Overfit.Tuning;

namespace Overfit.Tests.Tuning;

/// <summary>The storage contract on a SQLite file in a fresh temporary directory per test.</summary>
public sealed class RdbStorageTests : StorageContractTests, IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("overfit-rdb-").FullName;
    private readonly List<RdbStorage> _opened = [];

    protected override IStorage CreateStorage()
    {
        var s = new RdbStorage("sqlite:///" + Path.Combine(_dir, $"s{_opened.Count}.db"));
        _opened.Add(s);
        return s;
    }

    public void Dispose()
    {
        foreach (var s in _opened) s.Dispose();
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }
}
