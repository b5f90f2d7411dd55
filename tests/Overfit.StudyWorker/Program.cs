using System.Globalization;
using Overfit.Tuning;

// A study worker for the crash tests: optimizes x² on a stored study with heartbeats and, after completing HANG_AFTER
// trials, prints "RUNNING <number>" and blocks inside the next trial so the test can kill -9 it mid-trial.
// Usage: Overfit.StudyWorker URL STUDY N_TRIALS HEARTBEAT_SECONDS HANG_AFTER
if (args.Length != 5)
{
    Console.Error.WriteLine("usage: Overfit.StudyWorker URL STUDY N_TRIALS HEARTBEAT_SECONDS HANG_AFTER");
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
