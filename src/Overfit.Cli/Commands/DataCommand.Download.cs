using System.CommandLine;
using Overfit.Data.Sources;

namespace Overfit.Cli.Commands;

internal static partial class DataCommand
{
    private static Command CreateDownload(Func<ParseResult, DataLocator> locatorOf, IReadOnlyList<DatasetInfo> catalog)
    {
        var name = new Argument<string>("NAME") { Description = "Dataset name" };
        var cmd = new Command("download", "Download a dataset into the user cache (md5-verified; nothing is kept on a mismatch)") { name };
        cmd.SetAction(parse =>
        {
            TextWriter output = parse.InvocationConfiguration.Output, error = parse.InvocationConfiguration.Error;
            if (!TryFind(parse.GetValue(name)!, catalog, error, out var dataset)) return 2;
            var locator = locatorOf(parse);
            var store = new DatasetStore(locator, allowDownload: true, progress: new TextProgress(error));
            try
            {
                foreach (var skipped in locator.Locate(dataset).CorruptCopies)
                    error.WriteLine($"warning: {skipped.Directory} ({skipped.Root.Describe()}): {skipped.Detail}");
                string directory = store.Ensure(dataset, repairCache: true);
                var checks = DatasetVerifier.Verify(dataset, directory);
                if (checks.FirstOrDefault(c => !c.Ok) is { } bad)
                {
                    error.WriteLine($"error: {dataset.Name} in {directory} failed verification: {bad.Name}: {bad.Detail}");
                    return 1;
                }
                output.WriteLine($"{dataset.Name} is in {directory} (verified)");
                return 0;
            }
            catch (DataNotFoundException e)
            {
                error.WriteLine(e.Message);
                return 1;
            }
        });
        return cmd;
    }

    /// <summary>A one-line progress bar per file, redrawn in place on a terminal and printed once per 10% otherwise.</summary>
    private sealed class TextProgress(TextWriter writer) : IProgress<DownloadProgress>
    {
        private string? _file;
        private int _lastTenth = -1;

        public void Report(DownloadProgress value)
        {
            if (value.FileName != _file) { _file = value.FileName; _lastTenth = -1; }
            double fraction = value.TotalBytes is long total && total > 0 ? (double)value.BytesReceived / total : 0;
            int tenth = (int)(fraction * 10);
            bool done = value.TotalBytes == value.BytesReceived;
            if (Console.IsErrorRedirected && tenth == _lastTenth && !done) return;
            _lastTenth = tenth;
            int filled = (int)(fraction * 30);
            string bar = new string('#', filled) + new string('.', 30 - filled);
            string retry = value.Attempt > 1 ? $" (retry {value.Attempt - 1})" : "";
            string line = $"{value.FileName} [{bar}] {value.BytesReceived / 1048576.0,7:F1} MB{(value.TotalBytes is long t ? $" / {t / 1048576.0:F1} MB" : "")}{retry}";
            if (Console.IsErrorRedirected) writer.WriteLine(line);
            else writer.Write("\r" + line + (done ? "\n" : ""));
        }
    }
}
