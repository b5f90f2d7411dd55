using System.CommandLine;
using System.Text.Json;
using Overfit.Diagnostics;
using Spectre.Console;

namespace Overfit.Cli.Commands;

/// <summary>`overfit info`: library and runtime versions, cores and accelerated SIMD widths.</summary>
internal static class InfoCommand
{
    public static Command Create()
    {
        var json = new Option<bool>("--json") { Description = "Print a JSON object instead of a table" };
        var cmd = new Command("info", "Show the library version, .NET version, core count and accelerated SIMD widths") { json };
        cmd.SetAction(parse =>
        {
            var info = new Dictionary<string, object>
            {
                ["overfit"] = SystemInfo.LibraryVersion,
                ["dotnet"] = SystemInfo.RuntimeVersion,
                ["os"] = SystemInfo.Os,
                ["architecture"] = SystemInfo.Architecture,
                ["cores"] = SystemInfo.CoreCount,
                ["simd"] = SystemInfo.AcceleratedSimdWidths,
                ["vector_bits"] = SystemInfo.VectorBits,
            };
            if (parse.GetValue(json))
            {
                Console.WriteLine(JsonSerializer.Serialize(info));
                return 0;
            }
            var table = new Table().AddColumn("item").AddColumn("value");
            table.AddRow("Overfit", SystemInfo.LibraryVersion);
            table.AddRow(".NET", SystemInfo.RuntimeVersion);
            table.AddRow("OS", Markup.Escape(SystemInfo.Os));
            table.AddRow("Architecture", SystemInfo.Architecture);
            table.AddRow("Cores", SystemInfo.CoreCount.ToString());
            table.AddRow("Accelerated SIMD", string.Join(", ", SystemInfo.AcceleratedSimdWidths));
            AnsiConsole.Write(table);
            return 0;
        });
        return cmd;
    }
}
