using System.CommandLine;
using Overfit.Cli;

namespace Overfit.Cli.Tests.Infrastructure;

/// <summary>The outcome of one in-process CLI invocation.</summary>
public sealed record CliInvocation(int ExitCode, string Stdout, string Stderr);

/// <summary>Runs `overfit` in process with captured standard output and error.</summary>
public static class CliHarness
{
    public static CliInvocation Run(params string[] args) => Run(Program.BuildRoot(), args);

    public static CliInvocation Run(Command root, params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int code = Program.Invoke(root, args, new InvocationConfiguration { Output = stdout, Error = stderr });
        return new CliInvocation(code, stdout.ToString(), stderr.ToString());
    }
}

/// <summary>A fresh folder under the system temp folder, deleted when the test ends.</summary>
public sealed class TempFolder : IDisposable
{
    public TempFolder() => Path = Directory.CreateDirectory(System.IO.Path.Combine(System.IO.Path.GetTempPath(), "overfit-cli-tests", Guid.NewGuid().ToString("N"))).FullName;

    public string Path { get; }

    public string Sub(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); }
        catch (IOException) { /* a leftover temp folder must not fail a test */ }
    }
}
