using System.Diagnostics;
using System.Net.Sockets;
using System.Text.Json;
using Overfit.Cli.Tests.Infrastructure;
using Overfit.Tuning;

namespace Overfit.Cli.Tests.Dashboard;

/// <summary>`overfit dashboard` as a user runs it: a separate process that prints its URL, serves, and stops on a signal.</summary>
public sealed class DashboardCommandTests : IDisposable
{
    private readonly TempFolder _tmp = new();

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _tmp.Dispose();
    }

    [Fact]
    public async Task ServesOnAFreePortAndStopsCleanlyOnSigterm()
    {
        string url = "sqlite:///" + _tmp.Sub("cmd.db");
        using (var s = new RdbStorage(url)) DashboardSeed.MultiObjective(s);
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string a in new[] { Path.Combine(AppContext.BaseDirectory, "Overfit.Cli.dll"), "dashboard", "--storage", url, "--port", "0" })
            psi.ArgumentList.Add(a);
        using var server = Process.Start(psi)!;
        try
        {
            string line = (await server.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromMinutes(1)))!;
            Assert.Matches(@"^Overfit dashboard on http://127\.0\.0\.1:\d+/ \(Ctrl-C to stop\)$", line);
            string baseUrl = line.Split(' ')[3];
            using var http = new HttpClient();
            using var doc = JsonDocument.Parse(await http.GetStringAsync(baseUrl + "api/studies"));
            Assert.Equal("multi", doc.RootElement[0].GetProperty("name").GetString());
            Assert.Equal(12, doc.RootElement[0].GetProperty("n_trials").GetInt32());
            Assert.Contains("<title>", await http.GetStringAsync(baseUrl));
            using (var kill = Process.Start("kill", ["-TERM", server.Id.ToString()])) await kill.WaitForExitAsync();
            await server.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
            Assert.Equal(0, server.ExitCode);
            Assert.Equal("", await server.StandardError.ReadToEndAsync());
        }
        finally
        {
            if (!server.HasExited) server.Kill();
        }
    }

    [Fact]
    public void ABadStorageOrABusyPortIsOneLineAndExitCodeOne()
    {
        var bad = CliHarness.Run("dashboard", "--storage", "mysql://u@h/db");
        Assert.Equal(1, bad.ExitCode);
        Assert.Contains("'mysql://u@h/db'", bad.Stderr);
        Assert.Single(bad.Stderr.Trim().Split('\n'));

        using var listener = new TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        int port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        var busy = CliHarness.Run("dashboard", "--storage", "sqlite:///" + _tmp.Sub("busy.db"), "--port", port.ToString());
        Assert.Equal(1, busy.ExitCode);
        Assert.StartsWith("error: ", busy.Stderr);
        Assert.Contains(port.ToString(), busy.Stderr);
        Assert.Single(busy.Stderr.Trim().Split('\n'));

        var range = CliHarness.Run("dashboard", "--storage", "sqlite:///" + _tmp.Sub("busy.db"), "--port", "70000");
        Assert.Equal(1, range.ExitCode);
        Assert.Contains("70000", range.Stderr);
    }
}
