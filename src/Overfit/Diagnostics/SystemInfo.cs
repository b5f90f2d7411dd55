using System.Numerics;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Overfit.Diagnostics;

/// <summary>What the library runs on: versions, cores and which SIMD widths the JIT accelerates.</summary>
public static class SystemInfo
{
    public static string LibraryVersion =>
        typeof(SystemInfo).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion?.Split('+')[0]
        ?? typeof(SystemInfo).Assembly.GetName().Version?.ToString() ?? "unknown";

    public static string RuntimeVersion => RuntimeInformation.FrameworkDescription;

    public static int CoreCount => Environment.ProcessorCount;

    public static string Os => RuntimeInformation.OSDescription;

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
