using Overfit.Tensors;
using Tensor = Overfit.Tensors.Tensor;

namespace Overfit.NN;

public static partial class NNFunctional
{
    /// <summary>
    /// Input gradients of a chain of Linear layers handed from one backward rule to the next, reused across
    /// training steps so a step does not allocate (and the collector does not sweep) one per layer.
    /// A buffer comes back to the pool only when it provably has no other holder: the rule that produced it was
    /// running under <c>Backward</c> (not <c>Gradient</c>, which hands gradients to the caller), it was made as the
    /// gradient of one particular tensor, and it arrives, as the very same object, at the rule of that tensor's own
    /// Linear op. An op in between, or a second consumer of the tensor (the engine then sums into a new tensor),
    /// breaks that identity and the buffer is simply left to the collector.
    /// </summary>
    [ThreadStatic] private static Tensor? _handedGradient;

    [ThreadStatic] private static Tensor? _handedGradientOf;

    [ThreadStatic] private static Dictionary<(int Length, DType DType), Stack<Array>>? _gradientPool;

    /// <summary>
    /// At most this many spare buffers of one length are kept: a chain needs about two per distinct width (the
    /// activation of a <see cref="Sequential"/>'s hidden layer and the gradient handed back for it).
    /// </summary>
    private const int SparesPerLength = 4;

    /// <summary>A gradient buffer for <paramref name="of"/>, from the pool, recorded as handed to its producer's rule.</summary>
    private static Tensor RentInputGradient(Tensor of, int[] shape, DType dtype)
    {
        var dx = RentBuffer(shape, dtype);
        _handedGradient = dx;
        _handedGradientOf = of;
        return dx;
    }

    private static Tensor RentBuffer(int[] shape, DType dtype)
    {
        int n = ShapeUtil.Numel(shape);
        if (_gradientPool is not null && _gradientPool.TryGetValue((n, dtype), out var spares) && spares.Count > 0)
            return Tensor.Wrap(spares.Pop(), shape);
        return Tensor.Uninitialized(shape, dtype);
    }

    /// <summary>
    /// Called first by the rule of the op whose output is <paramref name="output"/>: true when
    /// <paramref name="gradient"/> is the buffer handed for exactly this output, which the rule then owns and gives
    /// back with <see cref="ReturnInputGradient"/> once it no longer reads it. Asked before the rule rents its own
    /// input gradient, which hands over a new buffer.
    /// </summary>
    private static bool TakeHandedGradient(Tensor gradient, Tensor output)
    {
        if (!ReferenceEquals(gradient, _handedGradient) || !ReferenceEquals(output, _handedGradientOf)) return false;
        _handedGradient = null;
        _handedGradientOf = null;
        return true;
    }

    private static void ReturnInputGradient(Tensor gradient)
    {
        var storage = gradient.Storage;
        _gradientPool ??= [];
        var key = (storage.Length, gradient.DType);
        if (!_gradientPool.TryGetValue(key, out var spares)) _gradientPool[key] = spares = new Stack<Array>();
        if (spares.Count < SparesPerLength) spares.Push(storage);
    }
}
