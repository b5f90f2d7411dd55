using System.CommandLine;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Hosting;
using Overfit.Cli.Infrastructure;
using Overfit.Dashboard;
using Overfit.Tuning;

namespace Overfit.Cli.Commands;

/// <summary>`overfit dashboard --storage URL [--host 127.0.0.1] [--port 8080] [--allow-writes]`: the study dashboard in a browser.</summary>
internal static class DashboardCommand
{
    /// <summary>The command; it prints the URL it serves and runs until Ctrl-C.</summary>
    public static Command Create()
    {
        var storage = new Option<string>("--storage") { Description = "Storage URL: sqlite:///PATH or a file path", Required = true };
        var host = new Option<string>("--host") { Description = "Address to bind (loopback by default)", DefaultValueFactory = _ => "127.0.0.1" };
        var port = new Option<int>("--port") { Description = "TCP port (0 picks a free one)", DefaultValueFactory = _ => 8080 };
        var allowWrites = new Option<bool>("--allow-writes") { Description = "Allow study notes and deleting studies from the browser" };
        var cmd = new Command("dashboard", "Serve a web dashboard of the studies in a storage (read-only unless --allow-writes)")
            { storage, host, port, allowWrites };
        cmd.SetAction(p => CommandGuard.Run(p.InvocationConfiguration.Error, () =>
        {
            var store = StorageFactory.FromUrl(p.GetValue(storage)!);
            try
            {
                var app = DashboardApp.Create(store, new DashboardOptions { AllowWrites = p.GetValue(allowWrites) }, p.GetValue(host)!, p.GetValue(port));
                app.Start();
                foreach (string url in DashboardApp.ListeningUrls(app))
                    p.InvocationConfiguration.Output.WriteLine($"Overfit dashboard on {url}/ (Ctrl-C to stop)");
                p.InvocationConfiguration.Output.Flush();
                app.WaitForShutdown();
                app.DisposeAsync().AsTask().GetAwaiter().GetResult();
                return 0;
            }
            finally
            {
                (store as IDisposable)?.Dispose();
            }
        }));
        return cmd;
    }
}
