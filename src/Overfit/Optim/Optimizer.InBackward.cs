using Overfit.Tensors;

namespace Overfit.Optim;

public abstract partial class Optimizer
{
    /// <summary>Each parameter's group, built on first use (the groups' parameter lists are fixed at construction).</summary>
    private Dictionary<Tensor, ParameterGroup>? _groupOf;

    /// <summary>Parameters already updated by the running <see cref="BackwardAndStep"/>.</summary>
    private readonly HashSet<Tensor> _steppedInBackward = new(ReferenceEqualityComparer.Instance);

    /// <summary>Parameters whose gradient buffer counts as zero until the running backward first writes it.</summary>
    private readonly HashSet<Tensor> _zeroUntilWritten = new(ReferenceEqualityComparer.Instance);

    private Action<Tensor>? _stepWhenFinal;

    /// <summary>
    /// Backpropagates <paramref name="loss"/> and updates every parameter, each one as soon as the backward pass has
    /// finished its gradient, instead of after the whole pass (PyTorch's optimizer-in-backward pattern, an
    /// optimizer step per parameter in <c>register_post_accumulate_grad_hook</c>). A layer's update then runs while
    /// its weights and gradient are still in cache, before the layers below it are differentiated.
    /// The parameters come out bit-identical to <c>loss.Backward(gradOutput, retainGraph); Step();</c>, and with
    /// <paramref name="zeroGrad"/> to <c>ZeroGrad(setToNone: false); loss.Backward(...); Step();</c>, where each
    /// gradient buffer is overwritten by its first contribution instead of being zeroed in a pass of its own.
    /// Afterwards <see cref="Tensor.Grad"/> holds the gradients as after those calls; parameters the loss does not
    /// reach are updated at the end, as <see cref="Step"/> would.
    /// Not for clipping by global norm (<see cref="GradientClipping.ClipGradNorm"/> needs every gradient before any
    /// update): call Backward, clip, then Step. The graph must read a parameter only through ops that take it (or a
    /// view recorded from it) as an input, as every layer of this library does: a detached alias of a parameter
    /// (<c>p.Detach()</c>) fed into the graph as a constant would be read after the update. If the backward pass
    /// throws, the parameters updated before the failure stay updated (and, with <paramref name="zeroGrad"/>, the
    /// gradients it did not reach are zeroed).
    /// </summary>
    /// <param name="loss">The output to differentiate: a scalar, or any shape with <paramref name="gradOutput"/>.</param>
    /// <param name="zeroGrad">Zero the parameters' gradients first, in place (torch 1.13's <c>zero_grad()</c> default).</param>
    /// <param name="gradOutput">The output's gradient, of its shape (default: 1 for a scalar).</param>
    /// <param name="retainGraph">Keep the graph's saved values for another backward pass.</param>
    /// <exception cref="ArgumentNullException"><paramref name="loss"/> is null.</exception>
    /// <exception cref="InvalidOperationException">The loss does not require grad, is not a scalar without <paramref name="gradOutput"/>, or a gradient does not match its parameter.</exception>
    /// <exception cref="ArgumentException"><paramref name="gradOutput"/>'s shape differs from the loss's.</exception>
    public void BackwardAndStep(Tensor loss, bool zeroGrad = false, Tensor? gradOutput = null, bool retainGraph = false)
    {
        ArgumentNullException.ThrowIfNull(loss);
        _groupOf ??= GroupsByParameter();
        _stepWhenFinal ??= StepWhenFinal;
        _steppedInBackward.Clear();
        _zeroUntilWritten.Clear();
        if (zeroGrad)
            foreach (var p in _groupOf.Keys)
            {
                var grad = p.Grad;
                if (grad is null) continue;
                // The engine overwrites only a buffer it would add into in place; any other is zeroed now.
                if (grad.IsContiguous && grad.DType == p.DType && ShapeUtil.SameShape(grad.ShapeSpan, p.ShapeSpan)) _zeroUntilWritten.Add(p);
                else grad.FillInPlace(0);
            }
        try
        {
            Autograd.Autograd.BackwardIntoLeaves(loss, gradOutput, retainGraph, createGraph: false, zeroGrad ? _zeroUntilWritten : null, _stepWhenFinal);
        }
        finally
        {
            // Gradients the pass never reached (or did not reach before it failed) end up zeroed, as ZeroGrad left them.
            foreach (var p in _zeroUntilWritten) p.Grad?.FillInPlace(0);
            _zeroUntilWritten.Clear();
        }
        foreach (var group in ParamGroups)
            foreach (var p in group.Parameters)
                if (!_steppedInBackward.Contains(p)) StepParameter(group, p);
        _steppedInBackward.Clear();
    }

    private Dictionary<Tensor, ParameterGroup> GroupsByParameter()
    {
        var map = new Dictionary<Tensor, ParameterGroup>(ReferenceEqualityComparer.Instance);
        foreach (var g in ParamGroups)
            foreach (var p in g.Parameters) map[p] = g;
        return map;
    }

    /// <summary>Called by the backward engine with each leaf whose gradient is final: updates it if it is one of ours.</summary>
    private void StepWhenFinal(Tensor leaf)
    {
        if (_groupOf!.TryGetValue(leaf, out var group) && _steppedInBackward.Add(leaf)) StepParameter(group, leaf);
    }
}
