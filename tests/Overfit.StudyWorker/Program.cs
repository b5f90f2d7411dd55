using System.Globalization;
using Overfit.Tuning;

// A study worker for the multi-process tests.
// Crash mode: optimizes x² on a stored study with heartbeats and, after completing HANG_AFTER trials, prints
// "RUNNING <number>" and blocks inside the next trial so the test can kill -9 it mid-trial.
//   Overfit.StudyWorker URL STUDY N_TRIALS HEARTBEAT_SECONDS HANG_AFTER
// Grid mode: runs up to N_TRIALS trials of GridWorker.Space (40 points) with a GridSampler on a stored study.
//   Overfit.StudyWorker grid URL STUDY N_TRIALS
if (args is ["grid", string gridUrl, string gridStudy, string gridTrials])
{
    using var gridStorage = new RdbStorage(gridUrl);
    var grid = Study.Create(gridStudy, gridStorage, new GridSampler(GridWorker.Space, seed: (ulong)Environment.ProcessId), loadIfExists: true);
    grid.Optimize(GridWorker.Objective, nTrials: int.Parse(gridTrials, CultureInfo.InvariantCulture));
    return 0;
}
if (args.Length != 5)
{
    Console.Error.WriteLine("usage: Overfit.StudyWorker URL STUDY N_TRIALS HEARTBEAT_SECONDS HANG_AFTER | grid URL STUDY N_TRIALS");
    return 2;
}
string url = args[0], name = args[1];
int nTrials = int.Parse(args[2], CultureInfo.InvariantCulture);
var beat = TimeSpan.FromSeconds(double.Parse(args[3], CultureInfo.InvariantCulture));
int hangAfter = int.Parse(args[4], CultureInfo.InvariantCulture);
using var storage = new RdbStorage(url, beat, failedTrialCallback: new RetryFailedTrialCallback(maxRetry: 3).Invoke);
var study = Study.Create(name, storage, new RandomSampler(seed: (ulong)Environment.ProcessId), loadIfExists: true);
int completed = 0;
study.Optimize(trial =>
{
    double x = trial.SuggestFloat("x", -1, 1);
    if (completed++ == hangAfter)
    {
        Console.WriteLine($"RUNNING {trial.Number}");
        Console.Out.Flush();
        Thread.Sleep(Timeout.Infinite);
    }
    return x * x;
}, nTrials: nTrials);
return 0;

/// <summary>The grid the grid-mode workers share: 8 values of x times 5 choices of c.</summary>
public static class GridWorker
{
    public static readonly Dictionary<string, IReadOnlyList<object?>> Space = new()
    {
        ["x"] = [-3L, -2L, -1L, 0L, 1L, 2L, 3L, 4L],
        ["c"] = ["a", "b", "c", "d", "e"],
    };

    /// <summary>Sleeps a little so the workers' trials overlap.</summary>
    public static double Objective(Trial t)
    {
        int x = t.SuggestInt("x", -3, 4);
        string c = t.SuggestCategorical("c", ["a", "b", "c", "d", "e"]);
        Thread.Sleep(3);
        return x * x + c[0];
    }
}
