using Overfit.Data;
using Overfit.NN;
using Overfit.Tensors;
using AG = Overfit.Autograd.Autograd;

namespace Overfit.Landscape;

/// <summary>
/// Hessian-vector products by Pearlmutter's R-operator for a network that is one chain of Linear layers, elementwise
/// activations, eval-mode BatchNorm1d on [N, C] rows (a fixed per-feature affine map, PearlmutterPlan.BatchNorm.cs),
/// LayerNorm (its R rules in PearlmutterPlan.LayerNorm.cs) and modules that pass values on (Flatten, Identity, Dropout
/// in eval mode), under any loss of its output.
/// A forward pass keeps every step's input; a backward pass forms the output gradients δ only (no weight gradients);
/// then, per direction v, an R-forward pass (R z = R x·Wᵀ + x·V_Wᵀ + V_b, R y = f'(u)⊙R u) and an R-backward pass
/// (R ∂L/∂W = Rδᵀ·x + δᵀ·R x, R ∂L/∂b = Σ Rδ, Rδ_x = Rδ·W + δ·V_W, Rδ_u = Rδ_y⊙f'(u) + δ_y⊙f''(u)⊙R u).
/// Autograd keeps the small parts, so no layer's or loss's derivative is written twice: the loss's Hessian at the
/// output applied to R(output) is a second backward through the loss alone, and an activation's f' and δ⊙f'' come
/// from its own rules. Against a double backward through the whole graph this builds no graph over the GEMMs and
/// leaves out the products of the first layer's input gradient. The forward and δ pass depend only on the weights and
/// the batch: a caller that holds the weights fixed keeps the <see cref="BatchState"/> and pays only the R passes.
/// </summary>
internal sealed partial class PearlmutterPlan
{
    private abstract record Step(Module Module);

    /// <summary>A layer with a weight and a bias; their positions among the parameters (−1 where not among them).</summary>
    private abstract record ParameterizedStep(Module Module, int WeightIndex, int BiasIndex) : Step(Module)
    {
        /// <summary>The tensors the layer holds now (a caller may have swapped them since the plan was made).</summary>
        public abstract (Tensor? Weight, Tensor? Bias) Held { get; }
    }

    /// <summary>A Linear layer.</summary>
    private sealed record LinearStep(Linear Layer, int WeightIndex, int BiasIndex) : ParameterizedStep(Layer, WeightIndex, BiasIndex)
    {
        public override (Tensor? Weight, Tensor? Bias) Held => (Layer.Weight, Layer.Bias);
    }

    /// <summary>An elementwise activation; piecewise-linear ones (f'' = 0 almost everywhere) skip the curvature term.</summary>
    private sealed record ActivationStep(Module Module, bool PiecewiseLinear) : Step(Module);

    /// <summary>A module whose output is its input, perhaps reshaped: Flatten, Identity, Dropout in eval mode.</summary>
    private sealed record PassStep(Module Module) : Step(Module);

    private readonly Step[] _steps;
    private readonly int _first;
    private readonly IReadOnlyList<Tensor> _parameters;
    private readonly DType _dtype;

    private PearlmutterPlan(Step[] steps, int first, IReadOnlyList<Tensor> parameters, DType dtype)
        => (_steps, _first, _parameters, _dtype) = (steps, first, parameters, dtype);

    /// <summary>
    /// A plan when <paramref name="model"/> is such a chain and <paramref name="parameters"/> are weights and biases of
    /// its Linear layers and the γ and β of its BatchNorm1d and LayerNorm layers (each once, all of one floating dtype);
    /// null otherwise (the caller runs the double backward).
    /// </summary>
    public static PearlmutterPlan? TryCreate(Module model, IReadOnlyList<Tensor> parameters)
    {
        var chain = ModuleChain.Of(model);
        if (chain is null) return null;
        var steps = new Step[chain.Count];
        var covered = new bool[parameters.Count];
        var layers = new HashSet<Module>(ReferenceEqualityComparer.Instance);
        int first = -1;
        DType? dtype = null;
        for (int i = 0; i < chain.Count; i++)
        {
            switch (chain[i])
            {
                case Linear linear:
                    if (Claim(i, linear, linear.Weight, linear.Bias) is not var (w, b)) return null;
                    steps[i] = new LinearStep(linear, w, b);
                    break;
                case ReLU or LeakyReLU:
                    steps[i] = new ActivationStep(chain[i], PiecewiseLinear: true);
                    break;
                case Tanh or Sigmoid or GELU or Softplus or ELU or SiLU:
                    steps[i] = new ActivationStep(chain[i], PiecewiseLinear: false);
                    break;
                case BatchNorm1d bn:
                    if (Claim(i, bn, bn.Weight, bn.Bias) is not var (g, be)) return null;
                    steps[i] = new BatchNormStep(bn, g, be);
                    break;
                case LayerNorm ln:
                    if (Claim(i, ln, LayerNormParameter(ln, "weight"), LayerNormParameter(ln, "bias")) is not var (lg, lb)) return null;
                    steps[i] = new LayerNormStep(ln, lg, lb);
                    break;
                case Flatten or Identity or Dropout:
                    steps[i] = new PassStep(chain[i]);
                    break;
                default:
                    return null;
            }
        }
        if (first < 0 || Array.IndexOf(covered, false) >= 0 || dtype is not (DType.Float32 or DType.Float64)) return null;
        return new PearlmutterPlan(steps, first, parameters, dtype.Value);

        // The positions of step at's weight and bias among the parameters, each claimed once; null when the layer runs
        // twice (one weight in two places of the chain), a parameter is claimed twice, or the dtypes differ.
        (int, int)? Claim(int at, Module layer, Tensor? weight, Tensor? bias)
        {
            if (!layers.Add(layer)) return null;
            int w = weight is null ? -1 : ModuleChain.IndexOf(parameters, weight);
            int b = bias is null ? -1 : ModuleChain.IndexOf(parameters, bias);
            foreach (int k in (int[])[w, b])
            {
                if (k < 0) continue;
                if (covered[k]) return null;
                covered[k] = true;
            }
            foreach (var t in new[] { weight, bias })
                if (t is not null && (dtype ??= t.DType) != t.DType) return null;
            if (first < 0 && (w >= 0 || b >= 0)) first = at;
            return (w, b);
        }
    }

    /// <summary>
    /// Whether the plan holds for <paramref name="batch"/> as the model is now: every Dropout in eval mode (or p = 0),
    /// every BatchNorm1d in eval mode with running statistics, the layers still holding the parameters, and inputs of
    /// the parameters' dtype.
    /// </summary>
    public bool CanRun(Batch batch)
    {
        if (batch.Inputs.DType != _dtype) return false;
        foreach (var step in _steps)
        {
            if (step.Module is Dropout d && d.Training && d.P > 0) return false;
            // Batch statistics would make the layer a function of the whole batch: only the running ones are a fixed map.
            if (step is BatchNormStep n && !Fixed(n.Layer)) return false;
            if (step is ParameterizedStep p && p.Held is var (weight, bias)
                && ((p.WeightIndex >= 0 && !ReferenceEquals(weight, _parameters[p.WeightIndex])) || (p.BiasIndex >= 0 && !ReferenceEquals(bias, _parameters[p.BiasIndex])))) return false;
        }
        return true;
    }

    /// <summary>What the R passes read for one batch at the current weights.</summary>
    internal sealed class BatchState : IDisposable
    {
        /// <summary>Values[i] is step i's input (contiguous); Values[n] the network's output.</summary>
        public required Tensor[] Values { get; init; }

        /// <summary>Deltas[i] = ∂L/∂Values[i], for i after the first step that depends on the parameters.</summary>
        public required Tensor?[] Deltas { get; init; }

        /// <summary>f'(u) of the activation steps after the first parameterized step.</summary>
        public required Tensor?[] Slopes { get; init; }

        /// <summary>δ_y⊙f''(u) of those that are not piecewise linear.</summary>
        public required Tensor?[] Curvatures { get; init; }

        /// <summary>What the R rules of the BatchNorm and LayerNorm steps read (x̂ and per-feature or per-row factors).</summary>
        public required NormalizationState?[] Norms { get; init; }

        /// <summary>The output as a leaf, and the loss's gradient with respect to it with its graph (null when the loss is linear in the output).</summary>
        public required Tensor OutputLeaf { get; init; }

        /// <inheritdoc cref="OutputLeaf"/>
        public required Tensor? OutputGradient { get; init; }

        /// <summary>Elements held, for the caller's memory budget.</summary>
        public long Elements => Values.Sum(t => (long)t.Numel) + Count(Deltas) + Count(Slopes) + Count(Curvatures) + Norms.Sum(m => (long)(m?.Normalized.Numel ?? 0));

        private static long Count(Tensor?[] ts) => ts.Sum(t => (long)(t?.Numel ?? 0));

        /// <summary>Buffers of the R passes, three per step (its R value, its R δ, and R x̂ of a LayerNorm), made at the first product and reused by the next.</summary>
        private Tensor?[]? _scratch;

        /// <summary>The buffer for <paramref name="role"/> (0: R value, 1: R δ, 2: R x̂) of step <paramref name="step"/>, of <paramref name="shape"/>; contents unspecified.</summary>
        public Tensor Scratch(int step, int role, int[] shape)
        {
            _scratch ??= new Tensor?[3 * Values.Length];
            return _scratch[3 * step + role] ??= Tensor.Uninitialized(shape, Values[0].DType);
        }

        /// <summary>Gives the buffers back to the storage pool (those no view or graph shares).</summary>
        public void Dispose()
        {
            foreach (var set in new[] { Values, Deltas, Slopes, Curvatures, _scratch ?? [], Norms.Select(m => m?.Normalized).ToArray() })
                foreach (var t in set) t?.Dispose();
        }
    }

    /// <summary>
    /// The forward and δ pass on <paramref name="batch"/>; null when <paramref name="loss"/> reaches anything that
    /// requires grad besides the output (a penalty on the weights, say), which the R passes would miss, or when a
    /// BatchNorm1d's input is not [N, C] rows.
    /// </summary>
    public BatchState? Prepare(Batch batch, Func<Tensor, Batch, Tensor> loss)
    {
        int n = _steps.Length;
        var values = new Tensor[n + 1];
        var slopes = new Tensor?[n];
        var slopeGraphs = new (Tensor U, Tensor Slope)?[n];
        var norms = new NormalizationState?[n];
        values[0] = batch.Inputs.Detach().Contiguous();
        for (int i = 0; i < n; i++)
        {
            var x = values[i];
            Tensor y;
            if (_steps[i] is ActivationStep a && i > _first)
            {
                // f'(u) through the activation's own rule; with its graph when f'' is needed later. The input is made a
                // leaf for the moment rather than viewed (a view would keep its buffer from going back to the pool when
                // the state is disposed); it is this plan's own tensor, downstream of a parameterized step.
                x.RequiresGrad = true;
                var output = a.Module.Forward(x);
                Tensor slope;
                using (var ones = Tensor.OnesLike(output)) slope = AG.Gradient(output, [x], ones, createGraph: !a.PiecewiseLinear)[0];
                if (slope.RequiresGrad)
                {
                    slopes[i] = slope.Detach().Contiguous();
                    slopeGraphs[i] = (x, slope);
                    y = output.Detach(); // the slope's graph may read the output (tanh' = 1 − y²)
                }
                else
                {
                    slopes[i] = slope.Contiguous();
                    x.RequiresGrad = false;
                    output.Dispose();
                    using var _ = AG.NoGrad();
                    y = a.Module.Forward(x);
                }
            }
            else
            {
                using var _ = AG.NoGrad();
                y = _steps[i] is LinearStep l ? NNFunctional.Linear(x, l.Layer.Weight, l.Layer.Bias) : _steps[i].Module.Forward(x);
            }
            if (_steps[i] is BatchNormStep b && (norms[i] = Normalize(b, x)) is null) return null; // not [N, C] rows
            if (_steps[i] is LayerNormStep ln) norms[i] = Normalize(ln, x);
            values[i + 1] = y.Contiguous();
        }

        var leaf = values[n].Detach();
        leaf.RequiresGrad = true;
        var lossValue = loss(leaf, batch);
        if (!lossValue.RequiresGrad || !DependsOnlyOn(lossValue, leaf)) return null;
        var gradient = AG.Gradient(lossValue, [leaf], createGraph: true)[0];

        var deltas = new Tensor?[n + 1];
        var curvatures = new Tensor?[n];
        deltas[n] = gradient.Detach().Contiguous();
        for (int i = n - 1; i > _first; i--)
        {
            var d = deltas[i + 1]!;
            switch (_steps[i])
            {
                case LinearStep l:
                    var dx = Tensor.Uninitialized(values[i].Shape, _dtype);
                    Product(false, false, Rows(d, l), l.Layer.InFeatures, l.Layer.OutFeatures, d, Contiguous(l.Layer.Weight), dx, accumulate: false);
                    deltas[i] = dx;
                    break;
                case ActivationStep:
                    deltas[i] = Multiply(d, slopes[i]!);
                    if (slopeGraphs[i] is var (u, slope))
                    {
                        curvatures[i] = AG.Gradient(slope, [u], d)[0].Detach().Contiguous();
                        u.RequiresGrad = false;
                    }
                    break;
                case BatchNormStep:
                    deltas[i] = ScaleColumns(d, ((NormState)norms[i]!).Scale);
                    break;
                case LayerNormStep ln:
                    deltas[i] = LayerNormDelta(ln, (LayerNormState)norms[i]!, d);
                    break;
                default:
                    deltas[i] = d.Reshape(values[i].Shape);
                    break;
            }
        }
        return new BatchState
        {
            Values = values, Deltas = deltas, Slopes = slopes, Curvatures = curvatures, Norms = norms,
            OutputLeaf = leaf, OutputGradient = gradient.RequiresGrad ? gradient : null,
        };
    }

    /// <summary>True when the only tensor requiring grad that <paramref name="output"/>'s graph reaches is <paramref name="leaf"/>.</summary>
    private static bool DependsOnlyOn(Tensor output, Tensor leaf)
    {
        var pending = new Stack<Tensor>([output]);
        var seen = new HashSet<Tensor>(ReferenceEqualityComparer.Instance);
        while (pending.Count > 0)
        {
            var t = pending.Pop();
            if (!seen.Add(t)) continue;
            if (t.GradFn is null)
            {
                if (t.RequiresGrad && !ReferenceEquals(t, leaf)) return false;
                continue;
            }
            foreach (var x in t.GradFn.Inputs) if (x.RequiresGrad) pending.Push(x);
        }
        return true;
    }
}
