using System.Numerics;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Overfit.Diagnostics;

/// <summary>What the library runs on: versions, cores and which SIMD widths the JIT accelerates.</summary>
public static class SystemInfo
{
    /// <summary>The Overfit version (informational version without the commit suffix).</summary>
    public static string LibraryVersion =>
        typeof(SystemInfo).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion?.Split('+')[0]
        ?? typeof(SystemInfo).Assembly.GetName().Version?.ToString() ?? "unknown";

    /// <summary>The .NET runtime, e.g. ".NET 10.0.0".</summary>
    public static string RuntimeVersion => RuntimeInformation.FrameworkDescription;

    /// <summary>Logical processors visible to the process.</summary>
    public static int CoreCount => Environment.ProcessorCount;

    /// <summary>Operating system description.</summary>
    public static string Os => RuntimeInformation.OSDescription;

    /// <summary>Process architecture, e.g. "X64" or "Arm64".</summary>
    public static string Architecture => RuntimeInformation.ProcessArchitecture.ToString();

    /// <summary>Hardware-accelerated vector widths, e.g. ["Vector128", "Vector256", "Vector512"].</summary>
    public static IReadOnlyList<string> AcceleratedSimdWidths
    {
        get
        {
            var list = new List<string>();
            if (Vector128.IsHardwareAccelerated) list.Add("Vector128");
            if (Vector256.IsHardwareAccelerated) list.Add("Vector256");
            if (Vector512.IsHardwareAccelerated) list.Add("Vector512");
            return list;
        }
    }

    /// <summary>Width in bits of System.Numerics.Vector&lt;T&gt; on this machine.</summary>
    public static int VectorBits => Vector<byte>.Count * 8;
}
