namespace Overfit.Benchmarks;

/// <summary>`dotnet run -c Release --project bench/Overfit.Benchmarks -- NAME [options] --json`</summary>
public static class Program
{
    private static readonly Dictionary<string, Func<string[], int>> Benchmarks = new()
    {
        ["gemm"] = GemmBenchmark.Run,
        ["gp"] = GpBenchmark.Run,
        ["bo"] = BoBenchmark.Run,
        ["ops"] = OpsBenchmark.Run,
        ["data"] = DataBenchmark.Run,
        ["linear"] = LinearBenchmark.Run,
        ["mlp"] = MlpBenchmark.Run,
        ["landscape"] = LandscapeBenchmark.Run,
        ["tuning"] = TuningBenchmark.Run,
        ["importance"] = ImportanceBenchmark.Run,
        ["eigh"] = EighBenchmark.Run,
        ["dashboard"] = DashboardBenchmark.Run,
        ["dkl"] = DklBenchmark.Run,
    };

    public static int Main(string[] args)
    {
        if (args.Length == 0 || !Benchmarks.TryGetValue(args[0], out var run))
        {
            Console.Error.WriteLine($"usage: Overfit.Benchmarks NAME [options] --json; NAME is one of: {string.Join(", ", Benchmarks.Keys)}");
            return 2;
        }
        try
        {
            return run(args[1..]);
        }
        catch (BenchOptionException e)
        {
            Console.Error.WriteLine($"{args[0]}: {e.Message}");
            return 2;
        }
        catch (Exception e) when (e is FormatException or OverflowException)
        {
            // Option values are parsed where each benchmark reads them; a malformed number ends here as one line.
            Console.Error.WriteLine($"{args[0]}: an option's value is not a valid number: {e.Message}");
            return 2;
        }
    }
}
