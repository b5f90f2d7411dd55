using Overfit.Tensors;
using static Overfit.Tests.Tensors.TensorTestUtil;

namespace Overfit.Tests.Tensors;

/// <summary>
/// The caching allocator: a disposed op result's buffer serves the next op of the same size, and a buffer is
/// never recycled while anything else can read it (a view, a recorded op, its own unreleased backward rule).
/// Each test uses a length of its own, so tests running in parallel do not take each other's spares.
/// </summary>
public class StoragePoolTests
{
    [Fact]
    public void DisposedResultServesTheNextOpAndTheDataStayRight()
    {
        var x = Tensor.Arange(0, 12_301, 1, DType.Float64);
        var first = x.Mul(2.0);
        var storage = first.Storage;
        first.Dispose();
        Assert.True(first.IsDisposed);
        var second = x.Add(1.0);
        Assert.Same(storage, second.Storage);
        AssertClose(Enumerable.Range(0, 12_301).Select(i => i + 1.0).ToArray(), second);
        Assert.Throws<ObjectDisposedException>(() => first.AsSpan<double>());
        Assert.Throws<ObjectDisposedException>(() => first.Reshape(-1));
    }

    [Fact]
    public void AViewKeepsTheBufferAlive()
    {
        var x = Tensor.Arange(0, 12_302, 1, DType.Float64);
        var y = x.Mul(3.0);
        var view = y.Reshape(2, 6151);
        y.Dispose();
        Assert.False(y.IsDisposed);
        var other = x.Add(5.0);
        Assert.NotSame(y.Storage, other.Storage);
        Assert.Equal(3.0 * 12_301, view[1, 6150]);
        // Disposing the view changes nothing either: it does not own the buffer.
        view.Dispose();
        Assert.Equal(3.0, view[0, 1]);
    }

    [Fact]
    public void TheGraphKeepsItsInputsAndUnreleasedResults()
    {
        var x = Tensor.Randn([12_303], new Generator(1), DType.Float64, requiresGrad: true);
        var h = x.Mul(2.0);
        var e = h.Exp();      // h is an input of a recorded op
        var loss = e.Sum();
        h.Dispose();
        e.Dispose();          // its own rule reads it and has not run yet
        Assert.False(h.IsDisposed);
        Assert.False(e.IsDisposed);
        loss.Backward();
        AssertClose(h.Exp().Mul(2.0).ToDoubleArray(), x.Grad!, 1e-12);
        // After a releasing backward the rule is gone; e is no recorded op's input, so its buffer may now go back.
        e.Dispose();
        Assert.True(e.IsDisposed);
    }

    [Fact]
    public void CallerArraysAndLeavesHandedInAreNeverPooled()
    {
        var data = new double[12_304];
        var t = Tensor.FromArray(data);
        t.Dispose();
        Assert.False(t.IsDisposed);
        Assert.Equal(0.0, t[5]);
    }

    [Fact]
    public void AnOpWithItsResultDisposedAllocatesUnderOneKilobyteAtSteadyState()
    {
        var x = Tensor.Randn([12_305], new Generator(2), DType.Float32);
        var y = Tensor.Randn([12_305], new Generator(3), DType.Float32);
        Func<Tensor>[] ops = [() => x.Add(y), () => x.Exp(), () => x.Sigmoid(), () => x.Reshape(5, 2461).Softmax(1), () => x.Relu()];
        foreach (var op in ops)
        {
            for (int i = 0; i < 3; i++) op().Dispose();
            // Steady state is the quietest of five windows: a collection forced by tests running beside this one
            // can trim the pool, and the refill then lands in whichever window is running.
            long perCall = long.MaxValue;
            for (int window = 0; window < 5; window++)
            {
                long before = GC.GetAllocatedBytesForCurrentThread();
                for (int i = 0; i < 10; i++) op().Dispose();
                perCall = Math.Min(perCall, (GC.GetAllocatedBytesForCurrentThread() - before) / 10);
            }
            Assert.True(perCall <= 1024, $"{perCall} bytes per call");
        }
    }
}
