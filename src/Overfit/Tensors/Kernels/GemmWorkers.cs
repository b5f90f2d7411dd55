using System.Diagnostics;

namespace Overfit.Tensors.Kernels;

/// <summary>
/// Dedicated threads for splitting one product across cores. Thread-pool workers fall asleep within
/// microseconds, and waking one (and its cold cache) costs about as much as a mid-sized product saves when
/// single-threaded work runs between products, as in a training step. These workers spin for a short while after
/// each job, so back-to-back products of a step find them awake; then they block and use no CPU.
/// </summary>
internal static class GemmWorkers
{
    /// <summary>How long an idle worker keeps polling for the next job before it blocks.</summary>
    private static readonly long SpinTicks = Stopwatch.Frequency / 500; // 2 ms

    private static readonly object s_gate = new();
    private static int s_busy;
    private static Worker[] s_workers = [];
    private static Action<int>? s_body;
    private static int s_pending;
    private static Exception? s_error;

    /// <summary>Runs body(0..count-1), index 0 on the calling thread; falls back to Parallel.For when another product holds the workers.</summary>
    public static void Run(int count, Action<int> body)
    {
        if (count <= 1) { body(0); return; }
        if (Interlocked.CompareExchange(ref s_busy, 1, 0) != 0)
        {
            Parallel.For(0, count, new ParallelOptions { MaxDegreeOfParallelism = count }, body);
            return;
        }
        try
        {
            var workers = Ensure(count - 1);
            s_body = body;
            s_error = null;
            Volatile.Write(ref s_pending, count - 1);
            for (int w = 0; w < count - 1; w++) workers[w].Post(w + 1);
            body(0);
            var spin = new SpinWait();
            while (Volatile.Read(ref s_pending) != 0) spin.SpinOnce(sleep1Threshold: -1);
            s_body = null;
            if (s_error is { } e) throw new AggregateException(e);
        }
        finally
        {
            Volatile.Write(ref s_busy, 0);
        }
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
                try { s_body!(job); }
                catch (Exception e) { s_error = e; }
                Interlocked.Decrement(ref s_pending);
            }
        }
    }
}
