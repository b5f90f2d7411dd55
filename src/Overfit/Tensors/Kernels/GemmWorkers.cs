using System.Diagnostics;

namespace Overfit.Tensors.Kernels;

/// <summary>
/// Dedicated threads for splitting one product across cores. Thread-pool workers fall asleep within
/// microseconds, and waking one (and its cold cache) costs about as much as a mid-sized product saves when
/// single-threaded work runs between products, as in a training step. These workers spin for a short while after
/// each job, so back-to-back products of a step find them awake; then they block and use no CPU.
/// Every job is claimed before it runs, by whichever thread gets to it first: when the caller has finished its own
/// share and a worker has not yet started (descheduled on a busy machine, or still waking up), the caller runs
/// that job itself instead of waiting for it.
/// </summary>
internal static class GemmWorkers
{
    /// <summary>How long an idle worker keeps polling for the next job before it blocks.</summary>
    private static readonly long SpinTicks = Stopwatch.Frequency / 500; // 2 ms

    private static readonly object s_gate = new();
    private static int s_busy;
    private static Worker[] s_workers = [];
    private static Action<int>? s_body;
    private static int[] s_claimed = [];
    private static int s_done;
    private static Exception? s_error;

    /// <summary>True on a thread that is running one job of <see cref="Run"/>: products it starts stay on that thread.</summary>
    [ThreadStatic] private static bool t_inside;

    /// <summary>True inside a job of <see cref="Run"/> (nested parallel products would only contend for the same cores).</summary>
    public static bool InsideJob => t_inside;

    /// <summary>
    /// Runs body(0..count-1), each exactly once, on the calling thread and up to count−1 workers, and returns when
    /// all have finished. Nested calls (from inside a job) run their jobs in order on the calling thread;
    /// Parallel.For is the fallback while another thread's call holds the workers.
    /// </summary>
    public static void Run(int count, Action<int> body)
    {
        if (count <= 1 || t_inside)
        {
            for (int i = 0; i < count; i++) body(i);
            return;
        }
        if (Interlocked.CompareExchange(ref s_busy, 1, 0) != 0)
        {
            Parallel.For(0, count, new ParallelOptions { MaxDegreeOfParallelism = count }, i =>
            {
                bool outer = t_inside;
                t_inside = true;
                try { body(i); }
                finally { t_inside = outer; }
            });
            return;
        }
        try
        {
            var workers = Ensure(count - 1);
            if (s_claimed.Length < count) s_claimed = new int[count];
            s_body = body;
            s_error = null;
            Volatile.Write(ref s_done, 0);
            // The claims are reset only after the body is published, so a late worker that wins a claim runs this call's job.
            for (int i = 0; i < count; i++) Volatile.Write(ref s_claimed[i], 0);
            for (int w = 0; w < count - 1; w++) workers[w].Post(w + 1);
            t_inside = true;
            try
            {
                // Job 0 first, then any job no worker has picked up yet.
                for (int i = 0; i < count; i++)
                    if (TryClaim(i)) Execute(i);
            }
            finally { t_inside = false; }
            var spin = new SpinWait();
            while (Volatile.Read(ref s_done) != count) spin.SpinOnce(sleep1Threshold: -1);
            s_body = null;
            if (s_error is { } e) throw new AggregateException(e);
        }
        finally
        {
            Volatile.Write(ref s_busy, 0);
        }
    }

    private static bool TryClaim(int index) => Interlocked.CompareExchange(ref s_claimed[index], 1, 0) == 0;

    private static void Execute(int index)
    {
        try { s_body!(index); }
        catch (Exception e) { s_error = e; }
        Interlocked.Increment(ref s_done);
    }

    private static Worker[] Ensure(int needed)
    {
        if (s_workers.Length >= needed) return s_workers;
        lock (s_gate)
        {
            var grown = new Worker[needed];
            Array.Copy(s_workers, grown, s_workers.Length);
            for (int w = s_workers.Length; w < needed; w++) grown[w] = new Worker();
            s_workers = grown;
            return grown;
        }
    }

    private sealed class Worker
    {
        private readonly ManualResetEventSlim _wake = new(false);
        private int _job; // 0: none; otherwise the job's index
        private readonly Thread _thread;

        public Worker()
        {
            _thread = new Thread(Loop) { IsBackground = true, Name = "Overfit GEMM worker" };
            _thread.Start();
        }

        public void Post(int index)
        {
            Volatile.Write(ref _job, index);
            _wake.Set();
        }

        private void Loop()
        {
            t_inside = true;
            while (true)
            {
                long start = Stopwatch.GetTimestamp();
                var spin = new SpinWait();
                int job;
                while ((job = Volatile.Read(ref _job)) == 0)
                {
                    if (Stopwatch.GetTimestamp() - start > SpinTicks)
                    {
                        _wake.Reset();
                        if ((job = Volatile.Read(ref _job)) != 0) break;
                        _wake.Wait();
                        start = Stopwatch.GetTimestamp();
                    }
                    else spin.SpinOnce(sleep1Threshold: -1);
                }
                Volatile.Write(ref _job, 0);
                // The caller may have run this job already (and even started its next call): the claim decides.
                if (TryClaim(job)) Execute(job);
            }
        }
    }
}
