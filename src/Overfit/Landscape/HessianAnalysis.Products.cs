using Overfit.Data;
using Overfit.Tensors;
using AG = Overfit.Autograd.Autograd;

namespace Overfit.Landscape;

public sealed partial class HessianAnalysis
{
    /// <summary>
    /// H·v, averaged over the batches (each batch's HVP weighted by its share of the samples). A network that is a chain
    /// of Linear layers, elementwise activations (ReLU, LeakyReLU, Tanh, Sigmoid, GELU, Softplus, ELU, SiLU) and
    /// Flatten/Identity/Dropout-in-eval, BatchNorm1d in eval mode on [N, C] rows and LayerNorm, under a loss of its output alone, takes Pearlmutter's R-operator (a forward and
    /// a δ pass, then one R-forward and one R-backward pass); any other model or loss, a double backward
    /// (torch.autograd.grad with create_graph, as PyHessian does). Both give the same product up to rounding.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="v"/> does not hold one tensor per parameter.</exception>
    public Tensor[] Hvp(Tensor[] v)
    {
        ArgumentNullException.ThrowIfNull(v);
        if (v.Length != Parameters.Count) throw new ArgumentException($"v needs one tensor per parameter: {Parameters.Count} expected, {v.Length} given", nameof(v));
        HvpCount++;
        Tensor[]? sum = null;
        for (int j = 0; j < _objective.Batches.Length; j++)
        {
            var b = _objective.Batches[j];
            var hv = BatchHvp(j, b, v);
            double share = _objective.Share(b);
            // A single batch's product is the result itself (share 1): no scaled copy.
            sum = sum is null ? (share == 1 ? hv : ParameterVector.Scale(hv, share)) : ParameterVector.Combine(1, sum, share, hv);
        }
        return sum!;
    }

    /// <summary>
    /// H·v into <paramref name="output"/> (contiguous tensors of the parameters' shapes and dtype, owned by the caller),
    /// which an iterative method reuses from product to product: with one batch on the R-operator the product is written
    /// there directly, otherwise it is formed as <see cref="Hvp"/> does and copied.
    /// </summary>
    internal void HvpInto(Tensor[] v, Tensor[] output)
    {
        if (_objective.Batches.Length != 1)
        {
            var sum = Hvp(v);
            for (int k = 0; k < output.Length; k++) output[k].CopyFrom(sum[k]);
            return;
        }
        HvpCount++;
        // A single batch's share is 1: its product is the result.
        var hv = BatchHvp(0, _objective.Batches[0], v, output);
        for (int k = 0; k < output.Length; k++)
            if (!ReferenceEquals(hv[k], output[k])) output[k].CopyFrom(hv[k]);
    }

    /// <summary>Batch <paramref name="j"/>'s forward and δ state, kept while the weights are held (within the budget); null when the loss reads the weights.</summary>
    private PearlmutterPlan.BatchState? Prepare(int j, Batch b)
    {
        var state = _plan!.Prepare(b, _objective.Loss);
        if (state is null)
        {
            // The loss itself reads the weights (the R passes would miss that part), or a BatchNorm1d sees [N, C, L] inputs.
            _planRefused = true;
            return null;
        }
        if (_held is not null && _heldElements + state.Elements <= HeldElementBudget)
        {
            _held[j] = state;
            _heldElements += state.Elements;
        }
        return state;
    }

    private Tensor[] BatchHvp(int j, Batch b, Tensor[] v, Tensor[]? into = null)
    {
        if (TakesROperator(b) && (_held?[j] ?? Prepare(j, b)) is { } state)
        {
            var hv = _plan.Hvp(state, v, into);
            if (_held?[j] != state) state.Dispose();
            return hv;
        }
        return DoubleBackwardHvp(b, v);
    }

    /// <summary>One batch's H·v by double backward through the whole graph (the general path, and the reference for the R-operator).</summary>
    internal Tensor[] DoubleBackwardHvp(Batch b, Tensor[] v) => AG.HessianVectorProduct(_objective.LossOf(b), [.. Parameters], v);

    /// <summary>
    /// Holds the weights and batches fixed until disposed, as the iterative methods do: each batch's forward activations
    /// and output gradients (and the loss gradient's graph) are kept across its products, so each product costs only the
    /// R passes (PyHessian likewise keeps its gradient graph and redoes only the second backward). Nested holds share one.
    /// </summary>
    private WeightsHeld HoldWeights()
    {
        if (_held is not null) return new WeightsHeld(null);
        _held = new PearlmutterPlan.BatchState?[_objective.Batches.Length];
        _heldElements = 0;
        return new WeightsHeld(this);
    }

    private readonly struct WeightsHeld(HessianAnalysis? owner) : IDisposable
    {
        public void Dispose()
        {
            if (owner?._held is not { } held) return;
            owner._held = null;
            foreach (var state in held) state?.Dispose();
        }
    }
}
