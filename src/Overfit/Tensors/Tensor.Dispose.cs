namespace Overfit.Tensors;

/// <summary>
/// Ownership of pooled storage. A tensor made by an op owns its buffer; views (reshape, slices, detach, ...) share
/// it. <see cref="Dispose"/> gives the buffer back to <see cref="StoragePool"/> only when it can prove that no
/// one else can read it: no view of this tensor was ever made, no recorded op whose backward rule is still alive keeps it as an input, and its own
/// backward rule (which may read it) has been released. Otherwise the collector reclaims it as usual.
/// </summary>
public sealed partial class Tensor : IDisposable
{
    /// <summary>The buffer came from <see cref="StoragePool"/> sizes (made by the library, not handed in by the caller).</summary>
    private bool _ownsStorage;

    /// <summary>A view or a detached alias of this tensor exists (and may outlive it).</summary>
    private bool _shared;

    /// <summary>How many recorded ops whose rules have not been released hold this tensor as an input (their rules may read it).</summary>
    private int _graphHolds;

    /// <summary>1 once the storage went back to the pool (set once, even when two threads dispose at the same time).</summary>
    private int _disposed;

    /// <summary>
    /// Releases the storage for reuse by later ops when nothing else can read it (see the type's remarks);
    /// afterwards reading this tensor throws. Disposing a view, a leaf handed in by the caller, or a tensor the
    /// graph still holds changes nothing. Like <c>del</c> on a PyTorch tensor, it is never required.
    /// </summary>
    public void Dispose()
    {
        if (Volatile.Read(ref _disposed) != 0 || !_ownsStorage || _shared || Volatile.Read(ref _graphHolds) > 0) return;
        if (GradFn is { IsReleased: false }) return;
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        var storage = Storage;
        Storage = storage is float[] ? Array.Empty<float>() : Array.Empty<double>();
        StoragePool.Return(storage);
    }

    /// <summary>True once <see cref="Dispose"/> has given the storage back.</summary>
    internal bool IsDisposed => Volatile.Read(ref _disposed) != 0;

    /// <summary>A recorded op keeps this tensor as an input: its storage is not recycled until that op's rule is released.</summary>
    internal void MarkHeldByGraph() => Interlocked.Increment(ref _graphHolds);

    /// <summary>The rule of an op holding this tensor was released (a backward pass without retainGraph ran it).</summary>
    internal void ReleaseGraphHold() => Interlocked.Decrement(ref _graphHolds);

    /// <summary>A view over this tensor's storage; the storage then counts as shared.</summary>
    private Tensor ViewOf(int offset, int[] shape, int[] strides)
    {
        ThrowIfDisposed();
        _shared = true;
        return new Tensor(Storage, offset, shape, strides);
    }

    private void ThrowIfDisposed()
    {
        if (_disposed != 0) throw new ObjectDisposedException(nameof(Tensor), "this tensor was disposed and its storage reused");
    }

    /// <summary>A tensor over a fresh (or recycled) buffer that <see cref="Dispose"/> may give back.</summary>
    private static Tensor Owned(Array storage, int[] shape) => new(storage, shape) { _ownsStorage = true };
}
