namespace Overfit.Tensors;

/// <summary>
/// The caching allocator behind tensor storage: spare arrays kept in buckets of one exact length and dtype, so an
/// op that returns a fresh large tensor reuses the buffer of a tensor disposed earlier instead of paying a
/// large-object allocation (and, in time, a full collection). Arrays enter only through
/// <see cref="Tensor.Dispose"/>, which hands back a buffer only when nothing else can read it. Small arrays are
/// not kept: the collector's youngest generation already recycles them for almost nothing.
/// </summary>
internal static class StoragePool
{
    /// <summary>Arrays shorter than this are left to the collector.</summary>
    public const int MinLength = 1024;

    /// <summary>Spares kept per (length, dtype): enough for the outputs of a few ops alive at once.</summary>
    private const int SparesPerBucket = 8;

    /// <summary>Upper bound on the bytes held as spares; beyond it a returned array is left to the collector.</summary>
    private const long CapacityBytes = 512L << 20;

    private static readonly Lock s_lock = new();
    private static readonly Dictionary<(int Length, bool Single), Stack<Array>> s_spares = [];
    private static long s_bytes;

    /// <summary>An array of <paramref name="length"/> elements with unspecified contents: a spare when one is kept, else a new one.</summary>
    public static T[] Rent<T>(int length) where T : unmanaged
    {
        if (length >= MinLength)
        {
            lock (s_lock)
            {
                if (s_spares.TryGetValue((length, typeof(T) == typeof(float)), out var spares) && spares.Count > 0)
                {
                    var spare = (T[])spares.Pop();
                    s_bytes -= Bytes(spare);
                    return spare;
                }
            }
        }
        return GC.AllocateUninitializedArray<T>(length);
    }

    /// <summary>Keeps <paramref name="array"/> for a later <see cref="Rent{T}"/>; the caller must hold the only reference.</summary>
    public static void Return(Array array)
    {
        if (array.Length < MinLength || array is not (float[] or double[])) return;
        long bytes = Bytes(array);
        lock (s_lock)
        {
            if (s_bytes + bytes > CapacityBytes) return;
            var key = (array.Length, array is float[]);
            if (!s_spares.TryGetValue(key, out var spares)) s_spares[key] = spares = new Stack<Array>();
            if (spares.Count >= SparesPerBucket) return;
            spares.Push(array);
            s_bytes += bytes;
        }
    }

    /// <summary>Bytes currently held as spares.</summary>
    public static long HeldBytes
    {
        get { lock (s_lock) return s_bytes; }
    }

    /// <summary>Drops every spare (the collector reclaims them).</summary>
    public static void Clear()
    {
        lock (s_lock)
        {
            s_spares.Clear();
            s_bytes = 0;
        }
    }

    private static long Bytes(Array a) => (long)a.Length * (a is float[] ? sizeof(float) : sizeof(double));
}
