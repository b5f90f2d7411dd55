using System.Diagnostics;

namespace Overfit.Tuning;

/// <summary>Where an <see cref="Study.Optimize(Func{Trial, double}, int?, TimeSpan?, int, IEnumerable{Action{Study, FrozenTrial}}?, IReadOnlyCollection{Type}?, IProgress{StudyProgress}?)"/> loop stands after a trial finished.</summary>
/// <param name="FinishedTrials">Trials this loop has finished so far.</param>
/// <param name="TotalTrials">The loop's trial budget, when it has one.</param>
/// <param name="Elapsed">Wall time since the loop started.</param>
/// <param name="LastTrial">The trial that just finished.</param>
/// <param name="BestValue">The study's best value so far (single objective, once a trial completed).</param>
public sealed record StudyProgress(int FinishedTrials, int? TotalTrials, TimeSpan Elapsed, FrozenTrial LastTrial, double? BestValue);

public sealed partial class Study
{
    /// <summary>
    /// Runs trials until <paramref name="nTrials"/> are done (across all <paramref name="nJobs"/> threads; −1 means
    /// <see cref="Threading.Effective"/>, Optuna's n_jobs=-1), the
    /// <paramref name="timeout"/> passes, or <see cref="Stop"/> is called (Optuna's optimize). A
    /// <see cref="TrialPrunedException"/> marks the trial PRUNED; any other exception marks it FAIL with the message in
    /// the system attribute <see cref="FailReasonKey"/>, and is rethrown unless its type is listed in <paramref name="catch"/>.
    /// Callbacks run after each trial on the thread that ran it.
    /// </summary>
    public void Optimize(Func<Trial, double> objective, int? nTrials = null, TimeSpan? timeout = null, int nJobs = 1,
        IEnumerable<Action<Study, FrozenTrial>>? callbacks = null, IReadOnlyCollection<Type>? @catch = null, IProgress<StudyProgress>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(objective);
        if (IsMultiObjective)
            throw new InvalidOperationException($"study '{StudyName}' has {Directions.Count} objectives; the objective must return one value per objective");
        OptimizeCore(t => [objective(t)], nTrials, timeout, nJobs, callbacks, @catch, progress);
    }

    /// <summary>Multi-objective form: the objective returns one value per direction (a wrong count fails the trial and throws).</summary>
    public void Optimize(Func<Trial, IReadOnlyList<double>> objective, int? nTrials = null, TimeSpan? timeout = null, int nJobs = 1,
        IEnumerable<Action<Study, FrozenTrial>>? callbacks = null, IReadOnlyCollection<Type>? @catch = null, IProgress<StudyProgress>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(objective);
        OptimizeCore(objective, nTrials, timeout, nJobs, callbacks, @catch, progress);
    }

    private void OptimizeCore(Func<Trial, IReadOnlyList<double>> objective, int? nTrials, TimeSpan? timeout, int nJobs,
        IEnumerable<Action<Study, FrozenTrial>>? callbacks, IReadOnlyCollection<Type>? catchTypes, IProgress<StudyProgress>? progress)
    {
        if (nTrials is < 0) throw new ArgumentOutOfRangeException(nameof(nTrials), nTrials, $"nTrials must be >= 0, got {nTrials}");
        if (timeout is { } t0 && t0 < TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(timeout), timeout, $"timeout must be >= 0, got {timeout}");
        if (nJobs == -1) nJobs = Threading.Effective;
        if (nJobs < 1) throw new ArgumentOutOfRangeException(nameof(nJobs), nJobs, $"nJobs must be >= 1 or -1 (Overfit.Threading.Effective threads), got {nJobs}");
        foreach (var type in catchTypes ?? [])
            if (!typeof(Exception).IsAssignableFrom(type)) throw new ArgumentException($"catch: expected exception types, got {type.Name}", nameof(catchTypes));
        var callbackList = callbacks?.ToArray() ?? [];
        _stop.Requested = false;
        var watch = Stopwatch.StartNew();
        int started = 0, finished = 0;
        bool NextTrial()
        {
            if (_stop.Requested) return false;
            if (timeout is { } limit && watch.Elapsed >= limit) return false;
            if (nTrials is { } n) return Interlocked.Increment(ref started) <= n;
            return true;
        }
        void Worker()
        {
            while (NextTrial())
            {
                // Null: the sampler has handed out everything it has (a grid), and the study is stopping.
                if (RunTrial(objective, catchTypes) is not { } frozen) break;
                foreach (var cb in callbackList) cb(this, frozen);
                int done = Interlocked.Increment(ref finished);
                progress?.Report(new StudyProgress(done, nTrials, watch.Elapsed, frozen, IsMultiObjective ? null : BestValueOrNull()));
            }
        }
        if (nJobs == 1) { Worker(); return; }
        var errors = new List<Exception>();
        var threads = Enumerable.Range(0, nJobs).Select(_ => new Thread(() =>
        {
            try { Worker(); }
            catch (Exception e)
            {
                lock (errors) errors.Add(e);
                _stop.Requested = true; // like Optuna's pool: an uncaught error ends the optimization
            }
        }) { IsBackground = true }).ToArray();
        foreach (var th in threads) th.Start();
        foreach (var th in threads) th.Join();
        if (errors.Count == 1) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(errors[0]).Throw();
        if (errors.Count > 1) throw new AggregateException(errors);
    }

    private FrozenTrial? RunTrial(Func<Trial, IReadOnlyList<double>> objective, IReadOnlyCollection<Type>? catchTypes)
    {
        if (AskCore(null, repeatClaims: false) is not { } trial) return null;
        Storage.SetTrialSystemAttr(trial.TrialId, WorkerKey, FormattableString.Invariant($"{Environment.MachineName}/{Environment.ProcessId}/{Environment.CurrentManagedThreadId}"));
        using var heartbeat = HeartbeatThread.Start(Storage, trial.TrialId);
        IReadOnlyList<double>? values = null;
        Exception? error = null;
        TrialState? state = null;
        try { values = objective(trial); }
        catch (TrialPrunedException) { state = TrialState.Pruned; }
        catch (Exception e) { state = TrialState.Fail; error = e; }
        heartbeat?.Dispose();

        if (state == TrialState.Pruned) return Tell(trial.TrialId, null, TrialState.Pruned);
        if (state == TrialState.Fail)
        {
            var failed = Tell(trial.TrialId, null, TrialState.Fail, $"{error!.GetType().Name}: {error.Message}");
            if (!(catchTypes?.Any(t => t.IsInstanceOfType(error)) ?? false))
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(error).Throw();
            return failed;
        }
        if (values is null || values.Count != Directions.Count)
        {
            string reason = $"the objective returned {values?.Count.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "null"} value(s); study '{StudyName}' has {Directions.Count} objective(s)";
            Tell(trial.TrialId, null, TrialState.Fail, reason);
            throw new InvalidOperationException($"trial {trial.Number}: {reason}");
        }
        return Tell(trial.TrialId, values, null);
    }

    private double? BestValueOrNull()
    {
        var best = BestTrialOrNull();
        return best?.Values?[0];
    }
}

/// <summary>Records heartbeats of one running trial on a background timer while its objective runs.</summary>
internal sealed class HeartbeatThread : IDisposable
{
    // A dedicated thread, not a thread-pool timer: a pool starved by blocking objectives (nJobs, other work in the
    // process) would delay the beats past the grace period and let another worker fail a trial that is alive.
    private readonly Thread _thread;
    private readonly ManualResetEventSlim _stop = new(false);
    private int _disposed;

    private HeartbeatThread(IHeartbeatStorage storage, int trialId, TimeSpan interval)
    {
        storage.RecordHeartbeat(trialId);
        _thread = new Thread(() =>
        {
            while (!_stop.Wait(interval))
            {
                // A missed beat (finished trial, busy or unreachable database) must not end the process from this thread.
                try { storage.RecordHeartbeat(trialId); }
                catch (Exception e) when (e is InvalidOperationException or System.Data.Common.DbException or IOException) { }
            }
        })
        { IsBackground = true, Name = $"overfit-heartbeat-{trialId}" };
        _thread.Start();
    }

    public static HeartbeatThread? Start(IStorage storage, int trialId)
        => storage is IHeartbeatStorage { HeartbeatInterval: { } interval } hb ? new HeartbeatThread(hb, trialId, interval) : null;

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        _stop.Set();
        _thread.Join();
        _stop.Dispose();
    }
}
