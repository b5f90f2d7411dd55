using System.Globalization;
using Spectre.Console;

namespace Overfit.Cli.Infrastructure;

/// <summary>Advances one unit of long work; the same calls drive a live bar or plain progress lines.</summary>
internal interface IProgressTick
{
    void Advance(double steps = 1);

    /// <summary>
    /// Shows where the work stands inside a step (e.g. likelihood evaluations within an optimizer start): in the live
    /// bar's label, or as a plain line at most every few seconds.
    /// </summary>
    void Status(string text) { }
}

/// <summary>
/// Progress on long work: a Spectre.Console bar on an interactive terminal, otherwise plain lines
/// ("label: 30/100") at every tenth of the work, so logs of redirected runs stay short and readable.
/// </summary>
internal static class ProgressReporter
{
    public static T Track<T>(CliOutput output, string label, int total, Func<IProgressTick, T> work)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(work);
        if (total < 1) throw new ArgumentOutOfRangeException(nameof(total), total, $"total: expected at least 1 step for '{label}', got {total}");
        if (!output.CanShowLiveProgress)
        {
            var plain = new PlainTick(output.Human, label, total);
            var result = work(plain);
            plain.Finish();
            return result;
        }
        return output.Human.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn())
            .Start(context =>
            {
                var task = context.AddTask(Markup.Escape(label), maxValue: total);
                var result = work(new LiveTick(task, label));
                task.Value = task.MaxValue;
                return result;
            });
    }

    private sealed class LiveTick(ProgressTask task, string label) : IProgressTick
    {
        public void Advance(double steps = 1) => task.Increment(steps);

        public void Status(string text) => task.Description = Markup.Escape($"{label}: {text}");
    }

    private sealed class PlainTick(IAnsiConsole console, string label, int total) : IProgressTick
    {
        private static readonly TimeSpan StatusInterval = TimeSpan.FromSeconds(5);
        private double _done;
        private int _lastTenth;
        private readonly System.Diagnostics.Stopwatch _sinceStatus = System.Diagnostics.Stopwatch.StartNew();
        private bool _anyStatus;

        public void Status(string text)
        {
            // The first status and then one every few seconds: a redirected log stays short however long the work runs.
            if (_anyStatus && _sinceStatus.Elapsed < StatusInterval) return;
            _anyStatus = true;
            _sinceStatus.Restart();
            console.WriteLine($"{label}: {text}", Style.Plain);
        }

        public void Advance(double steps = 1)
        {
            _done = Math.Min(total, _done + steps);
            int tenth = (int)Math.Floor(10 * _done / total);
            if (tenth > _lastTenth && tenth < 10)
            {
                _lastTenth = tenth;
                Write();
            }
        }

        public void Finish()
        {
            _done = total;
            Write();
        }

        private void Write() => console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{label}: {Math.Round(_done)}/{total} ({100 * _done / total:F0}%)"), Style.Plain);
    }
}
