using System.Diagnostics;
using System.Globalization;

namespace Overfit.Cli.Experiments;

/// <summary>
/// Worker processes of this executable (`hpo ... --workers 1 --worker-index i`) on one study's storage, each writing
/// its log to <c>worker-i.log</c> and its metrics under <c>worker-i/</c> of the run folder. Disposing kills the ones
/// still running, so an error or Ctrl-C in the starting process leaves none behind.
/// </summary>
internal sealed class HpoWorkerProcesses : IDisposable
{
    private readonly List<(Process Process, string Log, int Index)> _processes = [];
    private readonly List<TextWriter> _writers = [];

    private HpoWorkerProcesses() { }

    /// <summary>Starts workers <paramref name="firstIndex"/> … <paramref name="firstIndex"/> + <paramref name="count"/> − 1 (none when count is 0).</summary>
    /// <exception cref="InvalidOperationException">a process could not be started</exception>
    public static HpoWorkerProcesses Start(HpoStudySpec spec, int firstIndex, int count, int? threadsPerTrial, string directory)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var started = new HpoWorkerProcesses();
        try
        {
            for (int i = firstIndex; i < firstIndex + count; i++) started.StartOne(spec, i, threadsPerTrial, directory);
        }
        catch
        {
            started.Dispose();
            throw;
        }
        return started;
    }

    private void StartOne(HpoStudySpec spec, int index, int? threadsPerTrial, string directory)
    {
        var start = SelfStartInfo();
        foreach (var a in Arguments(spec, index, threadsPerTrial, Path.Combine(directory, $"worker-{index}"))) start.ArgumentList.Add(a);
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.UseShellExecute = false;
        start.WorkingDirectory = Environment.CurrentDirectory;
        if (threadsPerTrial is { } t) start.Environment[Overfit.Threading.EnvironmentVariable] = t.ToString(CultureInfo.InvariantCulture);
        var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start worker {index} ({start.FileName})");
        string log = Path.Combine(directory, $"worker-{index}.log");
        var writer = TextWriter.Synchronized(new StreamWriter(log) { AutoFlush = true });
        _writers.Add(writer);
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) writer.WriteLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) writer.WriteLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _processes.Add((process, log, index));
    }

    /// <summary>Waits for every worker to exit, calling <paramref name="poll"/> about once a second meanwhile.</summary>
    /// <exception cref="InvalidOperationException">a worker exited with an error (its last error line is quoted)</exception>
    public void WaitForExit(Action? poll = null)
    {
        while (_processes.Any(p => !p.Process.HasExited))
        {
            _processes.First(p => !p.Process.HasExited).Process.WaitForExit(1000);
            poll?.Invoke();
        }
        foreach (var (p, _, _) in _processes) p.WaitForExit(); // drains the redirected output
        foreach (var w in _writers) w.Flush();
        foreach (var (p, log, index) in _processes)
            if (p.ExitCode != 0)
                throw new InvalidOperationException($"worker {index} exited with code {p.ExitCode}: {LastErrorLine(log)} (log: {log})");
    }

    /// <summary>Kills the workers still running and closes their logs.</summary>
    public void Dispose()
    {
        foreach (var (p, _, _) in _processes)
        {
            if (!p.HasExited) { try { p.Kill(entireProcessTree: true); } catch (InvalidOperationException) { } }
            p.Dispose();
        }
        foreach (var w in _writers) w.Dispose();
        _processes.Clear();
        _writers.Clear();
    }

    /// <summary>The command line of worker <paramref name="index"/>: every setting spelled out, so it runs the same search.</summary>
    internal static List<string> Arguments(HpoStudySpec spec, int index, int? threadsPerTrial, string folder)
    {
        string I(int v) => v.ToString(CultureInfo.InvariantCulture);
        var args = new List<string>
        {
            "hpo", "--dataset", spec.Dataset, "--method", spec.Method, "--pruner", spec.Pruner,
            "--trials", I(spec.Budget.Trials), "--init", I(spec.Budget.Init), "--epochs", I(spec.Budget.Epochs),
            "--validation-fraction", spec.Budget.ValidationFraction.ToString("R", CultureInfo.InvariantCulture),
            "--storage", spec.StorageUrl, "--study", spec.StudyName, "--seed", I(spec.Seed),
            "--budget", spec.Level.ToString().ToLowerInvariant(), "--workers", "1", "--worker-index", I(index),
            "--out", folder, "--json",
        };
        if (threadsPerTrial is { } t) args.AddRange(["--threads-per-trial", I(t)]);
        if (spec.DataDirectory is { } d) args.AddRange(["--data", Path.GetFullPath(d)]);
        return args;
    }

    /// <summary>
    /// This executable: its apphost beside the assembly when there is one, else the dotnet host running the assembly
    /// (so a worker runs the same build whether the command was started as `overfit`, `dotnet Overfit.Cli.dll` or in-process).
    /// </summary>
    private static ProcessStartInfo SelfStartInfo()
    {
        string assembly = typeof(HpoWorkerProcesses).Assembly.Location;
        string apphost = Path.ChangeExtension(assembly, OperatingSystem.IsWindows() ? ".exe" : null);
        if (File.Exists(apphost)) return new ProcessStartInfo(apphost);
        string host = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } h ? h : "dotnet";
        var info = new ProcessStartInfo(host);
        info.ArgumentList.Add(assembly);
        return info;
    }

    private static string LastErrorLine(string log)
    {
        try
        {
            var lines = File.ReadAllLines(log);
            return lines.LastOrDefault(l => l.StartsWith("error", StringComparison.OrdinalIgnoreCase)) ?? lines.LastOrDefault(l => l.Trim().Length > 0) ?? "no output";
        }
        catch (IOException) { return "no log"; }
    }
}
