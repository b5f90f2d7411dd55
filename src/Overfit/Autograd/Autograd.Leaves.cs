using Overfit.Tensors;

namespace Overfit.Autograd;

/// <summary>The leaves' side of the backward engine: where gradients land, and when each one is final.</summary>
public static partial class Autograd
{
    /// <summary>
    /// <see cref="Backward"/> with two additions for an optimizer stepping inside the pass.
    /// <paramref name="onLeafFinal"/> is called with each leaf that requires grad once no rule can add to its gradient
    /// any more (the engine reaches it in topological order, after every consumer's rule), whether its gradient was
    /// summed in by the engine or written by a fused rule; no rule that runs later reads the leaf's data (only
    /// rules of its consumers do, and they have run), so the callback may update the leaf in place.
    /// The leaves in <paramref name="overwrite"/> have a contiguous gradient buffer that counts as zero: the first
    /// contribution overwrites it instead of adding (the same result as zeroing it first, without the pass over it);
    /// a leaf that gets none is zeroed when reached. The set is emptied as the leaves are reached.
    /// </summary>
    internal static void BackwardIntoLeaves(Tensor output, Tensor? gradOutput, bool retainGraph, bool createGraph, HashSet<Tensor>? overwrite, Action<Tensor>? onLeafFinal)
    {
        bool outer = _accumulatingIntoLeaves, outerReleasing = _releasingGraph, outerCreating = _creatingGraph;
        var outerOverwrite = _overwriteLeaves;
        retainGraph |= createGraph;
        _accumulatingIntoLeaves = true;
        _releasingGraph = !retainGraph;
        _creatingGraph = createGraph;
        _overwriteLeaves = overwrite;
        var scratch = BackwardScratch.Rent();
        try { Run(scratch, output, gradOutput, retainGraph, accumulateIntoLeaves: true, wanted: null, onLeafFinal: onLeafFinal); }
        finally
        {
            (_accumulatingIntoLeaves, _releasingGraph, _creatingGraph) = (outer, outerReleasing, outerCreating);
            _overwriteLeaves = outerOverwrite;
            BackwardScratch.Return(scratch);
        }
    }

    /// <summary>Leaves of the running <see cref="Backward"/> whose gradient buffer counts as zero until first written.</summary>
    [ThreadStatic] private static HashSet<Tensor>? _overwriteLeaves;

    /// <summary>True (once) when <paramref name="leaf"/>'s gradient buffer counts as zero: the caller overwrites it.</summary>
    private static bool TakeOverwrite(Tensor leaf) => _overwriteLeaves is { Count: > 0 } set && set.Remove(leaf);

    /// <summary>
    /// For a fused op's backward rule: where the rule may put its gradient for <paramref name="leaf"/> itself (and
    /// then return null for that input), so a large weight gradient is not materialized and then summed into the
    /// leaf by the engine. Null unless <see cref="Backward"/> (not <see cref="Gradient"/>) is running and the input
    /// is a leaf that requires grad. Otherwise the leaf's own contiguous gradient buffer, to add into (the engine adds
    /// into it in place too) or, with <paramref name="fresh"/> set, to overwrite (the pass counts it as zero; see
    /// <see cref="BackwardIntoLeaves"/>), or, when the leaf has no gradient yet (or one of another layout), a new
    /// buffer with <paramref name="fresh"/> set: the rule writes it in full and then assigns it to <see cref="Tensor.Grad"/>.
    /// </summary>
    internal static Tensor? LeafGradTarget(Tensor leaf, out bool fresh)
    {
        fresh = false;
        if (!_accumulatingIntoLeaves || _creatingGraph || !leaf.IsLeaf || !leaf.RequiresGrad) return null;
        var grad = leaf.Grad;
        if (grad is not null && grad.IsContiguous && grad.DType == leaf.DType && ShapeUtil.SameShape(grad.ShapeSpan, leaf.ShapeSpan))
        {
            fresh = TakeOverwrite(leaf);
            return grad;
        }
        if (grad is not null) return null;
        fresh = true;
        return Tensor.Empty(leaf.Shape, leaf.DType);
    }

    /// <summary>
    /// A leaf reached in topological order: every rule that could add to its gradient has run. A buffer still marked
    /// to be overwritten got no contribution and is zeroed (as the skipped ZeroGrad would have left it); then the
    /// callback sees the final gradient.
    /// </summary>
    private static void FinishLeaf(Tensor leaf, Action<Tensor>? onLeafFinal)
    {
        if (TakeOverwrite(leaf)) leaf.Grad?.FillInPlace(0);
        onLeafFinal?.Invoke(leaf);
    }

    /// <summary>
    /// Adds <paramref name="g"/> into the leaf's gradient. A leaf owns its gradient: the first one is copied
    /// (Contiguous already copies a strided or broadcast view); later ones are summed into that buffer in place,
    /// as PyTorch does, so a training loop that zeroes gradients in place allocates nothing here.
    /// </summary>
    private static void AccumulateLeafGrad(Tensor leaf, Tensor g)
    {
        var grad = leaf.Grad;
        if (_creatingGraph)
        {
            // The gradient keeps its graph, so it is stored as is (or summed out of place), as PyTorch's create_graph.
            leaf.Grad = grad is null || TakeOverwrite(leaf) ? g : grad.Add(g);
            return;
        }
        if (grad is null)
        {
            leaf.Grad = g.IsContiguous ? g.Clone() : g.Contiguous();
            return;
        }
        bool overwrite = TakeOverwrite(leaf);
        if (grad.IsContiguous && grad.DType == g.DType && ShapeUtil.SameShape(grad.ShapeSpan, g.ShapeSpan))
        {
            // A strided or broadcast gradient (Sum's backward expands a scalar) is made contiguous first.
            if (!g.IsContiguous) g = g.Contiguous();
            // Overwriting adds g to a zero scalar rather than copying it, so a −0 becomes +0 exactly as 0 + g would.
            if (grad.DType == DType.Float32)
            {
                if (overwrite) System.Numerics.Tensors.TensorPrimitives.Add(g.AsSpan<float>(), 0f, grad.AsSpan<float>());
                else System.Numerics.Tensors.TensorPrimitives.Add(grad.AsSpan<float>(), g.AsSpan<float>(), grad.AsSpan<float>());
            }
            else if (overwrite) System.Numerics.Tensors.TensorPrimitives.Add(g.AsSpan<double>(), 0.0, grad.AsSpan<double>());
            else System.Numerics.Tensors.TensorPrimitives.Add(grad.AsSpan<double>(), g.AsSpan<double>(), grad.AsSpan<double>());
            return;
        }
        if (overwrite) grad.FillInPlace(0);
        leaf.Grad = grad.Add(g);
    }
}
