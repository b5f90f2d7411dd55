using System.Runtime.InteropServices;

namespace Overfit.Benchmarks;

/// <summary>
/// The system OpenBLAS, bound at run time through its CBLAS entry points; used only as the speed yardstick for
/// the GEMM benchmark. <see cref="TryLoad"/> returns null when the library is not installed.
/// </summary>
internal sealed unsafe class OpenBlas
{
    private const int RowMajor = 101, NoTrans = 111, Trans = 112;

    private static readonly string[] Candidates =
    [
        "/usr/lib/x86_64-linux-gnu/libopenblas.so.0",
        "/usr/lib/x86_64-linux-gnu/openblas-pthread/libopenblas.so.0",
        "/usr/lib/aarch64-linux-gnu/libopenblas.so.0",
        "libopenblas.so.0",
        "libopenblas",
    ];

    private readonly delegate* unmanaged[Cdecl]<int, int, int, int, int, int, float, float*, int, float*, int, float, float*, int, void> _sgemm;
    private readonly delegate* unmanaged[Cdecl]<int, int, int, int, int, int, double, double*, int, double*, int, double, double*, int, void> _dgemm;
    private readonly delegate* unmanaged[Cdecl]<int, void> _setThreads;

    private OpenBlas(nint handle, string path)
    {
        Path = path;
        _sgemm = (delegate* unmanaged[Cdecl]<int, int, int, int, int, int, float, float*, int, float*, int, float, float*, int, void>)NativeLibrary.GetExport(handle, "cblas_sgemm");
        _dgemm = (delegate* unmanaged[Cdecl]<int, int, int, int, int, int, double, double*, int, double*, int, double, double*, int, void>)NativeLibrary.GetExport(handle, "cblas_dgemm");
        _setThreads = NativeLibrary.TryGetExport(handle, "openblas_set_num_threads", out var st)
            ? (delegate* unmanaged[Cdecl]<int, void>)st : null;
    }

    /// <summary>The file that was loaded.</summary>
    public string Path { get; }

    public static OpenBlas? TryLoad()
    {
        foreach (var path in Candidates)
        {
            if (!NativeLibrary.TryLoad(path, out var handle)) continue;
            if (!NativeLibrary.TryGetExport(handle, "cblas_sgemm", out _) || !NativeLibrary.TryGetExport(handle, "cblas_dgemm", out _))
                continue;
            return new OpenBlas(handle, path);
        }
        return null;
    }

    public void SetThreads(int threads)
    {
        if (_setThreads != null) _setThreads(threads);
    }

    public void Sgemm(bool transA, bool transB, int m, int n, int k, float alpha, float[] a, int lda, float[] b, int ldb, float beta, float[] c, int ldc)
    {
        fixed (float* pa = a, pb = b, pc = c)
            _sgemm(RowMajor, transA ? Trans : NoTrans, transB ? Trans : NoTrans, m, n, k, alpha, pa, lda, pb, ldb, beta, pc, ldc);
    }

    public void Dgemm(bool transA, bool transB, int m, int n, int k, double alpha, double[] a, int lda, double[] b, int ldb, double beta, double[] c, int ldc)
    {
        fixed (double* pa = a, pb = b, pc = c)
            _dgemm(RowMajor, transA ? Trans : NoTrans, transB ? Trans : NoTrans, m, n, k, alpha, pa, lda, pb, ldb, beta, pc, ldc);
    }
}
