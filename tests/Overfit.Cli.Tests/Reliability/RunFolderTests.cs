using Overfit.Cli.Infrastructure;
using Overfit.Cli.Tests.Infrastructure;

namespace Overfit.Cli.Tests.Reliability;

/// <summary>Runs never share a folder: default folders are claimed atomically, an explicit --out is locked.</summary>
public class RunFolderTests
{
    [Fact]
    public void RunsStartedInTheSameSecondGetDistinctDefaultFolders()
    {
        using var temp = new TempFolder();
        var when = new DateTime(2026, 1, 2, 3, 4, 5, DateTimeKind.Utc);
        // Check-then-create gave two runs of the same second one folder; eight at once must get eight.
        var folders = new RunFolder[8];
        Parallel.For(0, folders.Length, i => folders[i] = RunDirectory.Create(null, "gp regress", when, temp.Path));
        try
        {
            var paths = folders.Select(f => f.Path).ToArray();
            Assert.Equal(paths.Length, paths.Distinct().Count());
            Assert.Contains(Path.Combine(temp.Path, "runs", "20260102-030405-gp-regress"), paths);
            Assert.All(paths, p => Assert.StartsWith(Path.Combine(temp.Path, "runs", "20260102-030405-gp-regress"), p));
            // No staging folder is left behind.
            Assert.Equal(8, Directory.GetDirectories(Path.Combine(temp.Path, "runs")).Length);
        }
        finally
        {
            foreach (var f in folders) f.Dispose();
        }
    }

    [Fact]
    public void AnExplicitOutFolderIsLockedForTheRunAndReleasedAfterIt()
    {
        using var temp = new TempFolder();
        var out1 = temp.Sub("shared");
        using (var first = RunDirectory.Create(out1, "tour", DateTime.UtcNow))
        {
            Assert.True(File.Exists(Path.Combine(out1, RunLock.FileName)));
            var second = Assert.Throws<IOException>(() => RunDirectory.Create(out1, "tour", DateTime.UtcNow));
            Assert.Contains("in use", second.Message);
        }
        Assert.False(File.Exists(Path.Combine(out1, RunLock.FileName)));
        using var again = RunDirectory.Create(out1, "tour", DateTime.UtcNow);
        Assert.Equal(Path.GetFullPath(out1), again.Path);
    }

    [Fact]
    public void ALockHeldByAnotherLiveProcessNamesItsPid()
    {
        using var temp = new TempFolder();
        // PID 1 (init) is always alive: the folder is "in use by PID 1".
        File.WriteAllText(Path.Combine(temp.Path, RunLock.FileName), "1");
        File.SetLastWriteTimeUtc(Path.Combine(temp.Path, RunLock.FileName), DateTime.UtcNow.AddMinutes(-5));
        var error = Assert.Throws<IOException>(() => RunDirectory.Create(temp.Path, "tour", DateTime.UtcNow));
        Assert.Equal($"--out: '{temp.Path}' is in use by PID 1 (another overfit run); wait for it to finish or choose another folder (if PID 1 is no overfit run, delete {Path.Combine(temp.Path, RunLock.FileName)})", error.Message);
    }

    [Fact]
    public void ALockLeftByAKilledRunIsTakenOver()
    {
        using var temp = new TempFolder();
        string lockPath = Path.Combine(temp.Path, RunLock.FileName);
        File.WriteAllText(lockPath, "2147483000"); // no such process
        File.SetLastWriteTimeUtc(lockPath, DateTime.UtcNow.AddMinutes(-5));
        using (var folder = RunDirectory.Create(temp.Path, "tour", DateTime.UtcNow))
            Assert.Equal(Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture), File.ReadAllText(lockPath));
        Assert.False(File.Exists(lockPath));
    }

    [Fact]
    public void TwoToursOnTheSameOutDoNotInterleave()
    {
        using var temp = new TempFolder();
        var shared = temp.Sub("tour");
        var root = Overfit.Cli.Commands.TourCommand.Create(() => [new FakeExperiment("fake")]);
        var outer = new System.CommandLine.Command("overfit") { root };
        // The second tour starts while the first holds the folder: it must refuse, not mix its files in.
        using (RunDirectory.Create(shared, "tour", DateTime.UtcNow))
        {
            var second = CliHarness.Run(outer, "tour", "--out", shared, "--budget", "tiny", "--seed", "2", "--json");
            Assert.NotEqual(0, second.ExitCode);
            Assert.Contains("is already in use", second.Stderr);
            // Under --json the refusal is still one JSON document on stdout.
            using (var json = System.Text.Json.JsonDocument.Parse(second.Stdout))
            {
                Assert.Equal("failed", json.RootElement.GetProperty("status").GetString());
                Assert.Contains("is already in use", json.RootElement.GetProperty("error").GetString());
            }
            Assert.False(File.Exists(Path.Combine(shared, "metrics.json")));
        }
        var first = CliHarness.Run(outer, "tour", "--out", shared, "--budget", "tiny", "--seed", "1");
        Assert.Equal(0, first.ExitCode);
        Assert.False(File.Exists(Path.Combine(shared, RunLock.FileName)));
    }
}
