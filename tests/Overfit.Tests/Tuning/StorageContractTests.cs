using System.Collections.Immutable;
using Overfit.Tuning;

namespace Overfit.Tests.Tuning;

/// <summary>The contract every <see cref="IStorage"/> passes; each storage's test class derives from this one.</summary>
public abstract class StorageContractTests
{
    /// <summary>A fresh storage, or null when the derived class cannot make one here (it reports SKIPPED with the reason).</summary>
    protected abstract IStorage? CreateStorage();

    [Fact]
    public void StudiesAreCreatedFoundAndDeletedByName()
    {
        if (CreateStorage() is not { } s) return;
        int a = s.CreateNewStudy([StudyDirection.Minimize], "a");
        int b = s.CreateNewStudy([StudyDirection.Maximize, StudyDirection.Minimize], "b");
        Assert.NotEqual(a, b);
        Assert.Equal(a, s.GetStudyIdFromName("a"));
        Assert.Equal("b", s.GetStudyNameFromId(b));
        Assert.Equal([StudyDirection.Maximize, StudyDirection.Minimize], s.GetStudyDirections(b));
        Assert.Throws<DuplicatedStudyException>(() => s.CreateNewStudy([StudyDirection.Minimize], "a"));
        int unnamed = s.CreateNewStudy([StudyDirection.Minimize]);
        Assert.StartsWith("no-name-", s.GetStudyNameFromId(unnamed));
        Assert.Equal(3, s.GetAllStudies().Count);
        s.DeleteStudy(a);
        Assert.Throws<KeyNotFoundException>(() => s.GetStudyIdFromName("a"));
        Assert.Equal(2, s.GetAllStudies().Count);
        Assert.Throws<ArgumentException>(() => s.CreateNewStudy([], "empty"));
    }

    [Fact]
    public void StudyAttributesRoundTripAsJsonShapes()
    {
        if (CreateStorage() is not { } s) return;
        int id = s.CreateNewStudy([StudyDirection.Minimize], "attrs");
        s.SetStudyUserAttr(id, "i", 3);
        s.SetStudyUserAttr(id, "d", 0.5);
        s.SetStudyUserAttr(id, "s", "x");
        s.SetStudyUserAttr(id, "l", new[] { 1, 2 });
        s.SetStudySystemAttr(id, "n", null);
        var u = s.GetStudyUserAttrs(id);
        Assert.Equal(3L, u["i"]);
        Assert.Equal(0.5, u["d"]);
        Assert.Equal("x", u["s"]);
        Assert.Equal([1L, 2L], ((object?[])u["l"]!).Select(o => Assert.IsType<long>(o)));
        Assert.Null(s.GetStudySystemAttrs(id)["n"]);
    }

    [Fact]
    public void TrialsGetConsecutiveNumbersAndKeepTheirRecords()
    {
        if (CreateStorage() is not { } s) return;
        int study = s.CreateNewStudy([StudyDirection.Minimize], "trials");
        int t0 = s.CreateNewTrial(study), t1 = s.CreateNewTrial(study);
        Assert.Equal(0, s.GetTrialNumberFromId(t0));
        Assert.Equal(1, s.GetTrialNumberFromId(t1));
        Assert.Equal(t1, s.GetTrialIdFromStudyIdTrialNumber(study, 1));
        var d = new FloatDistribution(0, 1);
        s.SetTrialParam(t0, "x", 0.25, d);
        s.SetTrialParam(t0, "c", 1, new CategoricalDistribution(["a", "b"]));
        s.SetTrialIntermediateValue(t0, 0, 1.5);
        s.SetTrialIntermediateValue(t0, 3, double.NaN);
        s.SetTrialUserAttr(t0, "note", "hi");
        var running = s.GetTrial(t0);
        Assert.Equal(TrialState.Running, running.State);
        Assert.NotNull(running.DatetimeStart);
        Assert.Null(running.DatetimeComplete);
        Assert.Equal(0.25, s.GetTrialParam(t0, "x"));
        Assert.Equal("b", running.Params["c"]);
        Assert.Equal(d, running.Distributions["x"]);
        Assert.True(double.IsNaN(running.IntermediateValues[3]));
        Assert.Equal(3, running.LastStep);
        Assert.True(s.SetTrialStateValues(t0, TrialState.Complete, [0.5]));
        var done = s.GetTrial(t0);
        Assert.Equal(TrialState.Complete, done.State);
        Assert.Equal(0.5, done.Value);
        Assert.NotNull(done.DatetimeComplete);
        Assert.Equal("hi", done.UserAttrs["note"]);
        Assert.Equal(2, s.GetNTrials(study));
        Assert.Single(s.GetAllTrials(study, [TrialState.Complete]));
        Assert.Equal([0, 1], s.GetAllTrials(study).Select(t => t.Number));
    }

    [Fact]
    public void FinishedTrialsCannotChange()
    {
        if (CreateStorage() is not { } s) return;
        int study = s.CreateNewStudy([StudyDirection.Minimize], "finished");
        int t = s.CreateNewTrial(study);
        s.SetTrialStateValues(t, TrialState.Fail);
        Assert.Throws<InvalidOperationException>(() => s.SetTrialParam(t, "x", 0.5, new FloatDistribution(0, 1)));
        Assert.Throws<InvalidOperationException>(() => s.SetTrialIntermediateValue(t, 0, 1));
        Assert.Throws<InvalidOperationException>(() => s.SetTrialUserAttr(t, "k", 1));
        Assert.Throws<InvalidOperationException>(() => s.SetTrialStateValues(t, TrialState.Complete, [1]));
        Assert.Equal(TrialState.Fail, s.GetTrial(t).State);
    }

    [Fact]
    public void OnlyAWaitingTrialCanBeClaimedAsRunning()
    {
        if (CreateStorage() is not { } s) return;
        int study = s.CreateNewStudy([StudyDirection.Minimize], "waiting");
        var template = new FrozenTrial { Number = -1, TrialId = -1, State = TrialState.Waiting,
            SystemAttrs = ImmutableDictionary<string, object?>.Empty.Add("fixed_params", new Dictionary<string, object?> { ["x"] = 0.5 }) };
        int w = s.CreateNewTrial(study, template);
        Assert.Equal(TrialState.Waiting, s.GetTrial(w).State);
        Assert.Equal(0.5, ((IReadOnlyDictionary<string, object?>)s.GetTrial(w).SystemAttrs["fixed_params"]!)["x"]);
        Assert.True(s.SetTrialStateValues(w, TrialState.Running));
        Assert.False(s.SetTrialStateValues(w, TrialState.Running)); // a second worker loses the race
        Assert.NotNull(s.GetTrial(w).DatetimeStart);
    }

    [Fact]
    public void ParameterDistributionsMustStayCompatibleAcrossTheStudy()
    {
        if (CreateStorage() is not { } s) return;
        int study = s.CreateNewStudy([StudyDirection.Minimize], "compat");
        int t0 = s.CreateNewTrial(study), t1 = s.CreateNewTrial(study);
        s.SetTrialParam(t0, "x", 0.5, new FloatDistribution(0.1, 1));
        s.SetTrialParam(t1, "x", 1.5, new FloatDistribution(0.1, 2)); // a new range is fine
        Assert.Throws<ArgumentException>(() => s.SetTrialParam(t1, "x", 0.5, new FloatDistribution(0.1, 1, log: true)));
        Assert.Throws<ArgumentException>(() => s.SetTrialParam(t1, "x", 1, new IntDistribution(0, 3)));
    }

    [Fact]
    public void UnknownIdsThrowKeyNotFound()
    {
        if (CreateStorage() is not { } s) return;
        Assert.Throws<KeyNotFoundException>(() => s.GetStudyNameFromId(12345));
        Assert.Throws<KeyNotFoundException>(() => s.GetTrial(12345));
        Assert.Throws<KeyNotFoundException>(() => s.GetStudyIdFromName("missing"));
        int study = s.CreateNewStudy([StudyDirection.Minimize], "ids");
        Assert.Throws<KeyNotFoundException>(() => s.GetTrialIdFromStudyIdTrialNumber(study, 0));
    }

    [Fact]
    public void ConcurrentWorkersNeverShareATrialNumber()
    {
        if (CreateStorage() is not { } s) return;
        int study = s.CreateNewStudy([StudyDirection.Minimize], "threads");
        var ids = new System.Collections.Concurrent.ConcurrentBag<int>();
        Parallel.For(0, 200, new ParallelOptions { MaxDegreeOfParallelism = 4 }, i =>
        {
            int t = s.CreateNewTrial(study);
            s.SetTrialParam(t, "x", i, new IntDistribution(0, 1000));
            s.SetTrialStateValues(t, TrialState.Complete, [i]);
            ids.Add(t);
        });
        var trials = s.GetAllTrials(study);
        Assert.Equal(Enumerable.Range(0, 200), trials.Select(t => t.Number));
        Assert.All(trials, t => Assert.Equal(t.Values![0], t.InternalParams["x"]));
    }

    [Fact]
    public void ConcurrentClaimsNeverTakeTheSamePick()
    {
        if (CreateStorage() is not { } s) return;
        int study = s.CreateNewStudy([StudyDirection.Minimize], "claims");
        const int Slots = 24;
        // Every caller wants the lowest free slot, so without an atomic claim they would collide at once.
        static IReadOnlyDictionary<string, object?>? LowestFree(IReadOnlyList<FrozenTrial> trials)
        {
            var taken = trials.Select(t => t.SystemAttrs.GetValueOrDefault("slot")).OfType<long>().ToHashSet();
            long free = Enumerable.Range(0, Slots).Select(i => (long)i).FirstOrDefault(i => !taken.Contains(i), -1);
            return free < 0 ? null : new Dictionary<string, object?> { ["slot"] = free, ["tag"] = "x" };
        }
        var ids = new System.Collections.Concurrent.ConcurrentBag<int>();
        Parallel.For(0, 6, new ParallelOptions { MaxDegreeOfParallelism = 6 }, _ =>
        {
            while (s.ClaimNewTrial(study, LowestFree) is { } id) ids.Add(id);
        });
        var trials = s.GetAllTrials(study);
        Assert.Equal(Slots, ids.Count);
        Assert.Equal(trials.Select(t => t.TrialId).Order(), ids.Order());
        Assert.Equal(Enumerable.Range(0, Slots).Select(i => (long)i), trials.Select(t => (long)t.SystemAttrs["slot"]!).Order());
        Assert.All(trials, t => Assert.Equal(TrialState.Running, t.State));
        Assert.Equal("x", s.GetTrial(ids.First()).SystemAttrs["tag"]);
        Assert.Null(s.ClaimNewTrial(study, LowestFree));
        Assert.Equal(Slots, s.GetNTrials(study));
        Assert.Throws<KeyNotFoundException>(() => s.ClaimNewTrial(study + 1000, LowestFree));
    }

    [Fact]
    public void TrialsFromANumberAreTheNewOnesAndTheListedOnes()
    {
        if (CreateStorage() is not { } s) return;
        int study = s.CreateNewStudy([StudyDirection.Minimize], "since");
        for (int i = 0; i < 6; i++)
        {
            int t = s.CreateNewTrial(study);
            s.SetTrialParam(t, "x", i / 10.0, new FloatDistribution(0, 1));
            s.SetTrialIntermediateValue(t, 0, i);
            if (i % 2 == 0) s.SetTrialStateValues(t, TrialState.Complete, [i * 2.0]);
        }
        var all = s.GetAllTrials(study);
        var got = s.GetTrialsFromNumber(study, 4, [1, 3]);
        Assert.Equal([1, 3, 4, 5], got.Select(t => t.Number));
        foreach (var t in got) Assert.Equal(all[t.Number], t, FrozenTrialComparer);
        Assert.Equal(all.Select(t => t.Number), s.GetTrialsFromNumber(study, 0).Select(t => t.Number));
        Assert.Empty(s.GetTrialsFromNumber(study, 6));
        Assert.Throws<KeyNotFoundException>(() => s.GetTrialsFromNumber(study + 1000, 0));
    }

    private static readonly IEqualityComparer<FrozenTrial> FrozenTrialComparer = EqualityComparer<FrozenTrial>.Create((a, b) =>
        a!.Number == b!.Number && a.State == b.State && (a.Values ?? []).SequenceEqual(b.Values ?? [])
        && a.InternalParams.OrderBy(p => p.Key).SequenceEqual(b.InternalParams.OrderBy(p => p.Key))
        && a.IntermediateValues.SequenceEqual(b.IntermediateValues));
}

public class InMemoryStorageTests : StorageContractTests
{
    protected override IStorage CreateStorage() => new InMemoryStorage();
}
