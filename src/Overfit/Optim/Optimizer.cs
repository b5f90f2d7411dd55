using Overfit.Tensors;

namespace Overfit.Optim;

/// <summary>
/// A set of parameters sharing a learning rate and a weight decay (PyTorch's param_groups). A null
/// setting takes the optimizer's default.
/// </summary>
public sealed class ParameterGroup
{
    /// <summary>A group of parameters with its own learning rate and weight decay (null: the optimizer's default).</summary>
    /// <param name="parameters">Leaf tensors with RequiresGrad = true.</param>
    /// <param name="lr">Learning rate for this group, or null for the optimizer's.</param>
    /// <param name="weightDecay">L2 penalty for this group, or null for the optimizer's.</param>
    /// <exception cref="ArgumentNullException"><paramref name="parameters"/> is null.</exception>
    public ParameterGroup(IEnumerable<Tensor> parameters, double? lr = null, double? weightDecay = null)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        Parameters = parameters.ToList();
        RequestedLr = lr;
        RequestedWeightDecay = weightDecay;
    }

    /// <summary>The tensors this group updates.</summary>
    public IReadOnlyList<Tensor> Parameters { get; }

    internal double? RequestedLr { get; }

    internal double? RequestedWeightDecay { get; }

    /// <summary>Current learning rate (schedulers change it).</summary>
    public double Lr { get; set; }

    /// <summary>The learning rate the group started with (schedulers scale from it).</summary>
    public double InitialLr { get; internal set; }

    /// <summary>L2 penalty coefficient of this group (coupled or decoupled, depending on the optimizer).</summary>
    public double WeightDecay { get; set; }
}

/// <summary>Updates parameters from their gradients, outside autograd, on raw spans.</summary>
public abstract partial class Optimizer
{
    private readonly Dictionary<Tensor, Dictionary<string, Tensor>> _state = new(ReferenceEqualityComparer.Instance);

    /// <summary>Checks the groups and resolves each group's learning rate and weight decay from the defaults.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A learning rate or weight decay is negative or NaN.</exception>
    /// <exception cref="ArgumentException">No parameters, or a parameter that does not require grad, is not a contiguous leaf, or appears twice.</exception>
    protected Optimizer(IEnumerable<ParameterGroup> groups, double lr, double weightDecay)
    {
        ArgumentNullException.ThrowIfNull(groups);
        CheckNonNegative(lr, nameof(lr));
        CheckNonNegative(weightDecay, nameof(weightDecay));
        ParamGroups = groups.ToList();
        if (ParamGroups.Count == 0 || ParamGroups.All(g => g.Parameters.Count == 0))
            throw new ArgumentException("the optimizer got an empty parameter list: pass at least one tensor", nameof(groups));
        var seen = new HashSet<Tensor>(ReferenceEqualityComparer.Instance);
        foreach (var g in ParamGroups)
        {
            g.Lr = g.RequestedLr ?? lr;
            g.InitialLr = g.Lr;
            g.WeightDecay = g.RequestedWeightDecay ?? weightDecay;
            CheckNonNegative(g.Lr, "lr");
            CheckNonNegative(g.WeightDecay, "weightDecay");
            foreach (var p in g.Parameters)
            {
                if (!p.RequiresGrad) throw new ArgumentException("every optimized tensor must have RequiresGrad = true", nameof(groups));
                if (!p.IsLeaf) throw new ArgumentException($"can only optimize leaf tensors; got one produced by {p.GradFnName}", nameof(groups));
                if (!p.IsContiguous) throw new ArgumentException("optimized tensors must be contiguous", nameof(groups));
                if (!seen.Add(p)) throw new ArgumentException("a parameter appears in more than one group (or twice in one)", nameof(groups));
            }
        }
    }

    /// <summary>Wraps a parameter list as a single group with the optimizer's defaults.</summary>
    protected static IEnumerable<ParameterGroup> OneGroup(IEnumerable<Tensor> parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        return [new ParameterGroup(parameters)];
    }

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming <paramref name="name"/> unless value ≥ 0.</summary>
    protected static void CheckNonNegative(double value, string name)
    {
        if (!(value >= 0)) throw new ArgumentOutOfRangeException(name, $"{name} must be >= 0, got {value}");
    }

    /// <summary>The parameter groups (PyTorch's optimizer.param_groups).</summary>
    public IReadOnlyList<ParameterGroup> ParamGroups { get; }

    /// <summary>The first group's learning rate (convenience for single-group optimizers).</summary>
    public double Lr => ParamGroups[0].Lr;

    /// <summary>Clears every parameter's gradient: drops it (default) or zeroes it in place.</summary>
    public void ZeroGrad(bool setToNone = true)
    {
        foreach (var g in ParamGroups)
            foreach (var p in g.Parameters)
            {
                if (p.Grad is null) continue;
                if (setToNone) p.Grad = null; else p.Grad.FillInPlace(0);
            }
    }

    /// <summary>One update of every parameter that has a gradient.</summary>
    public void Step()
    {
        foreach (var group in ParamGroups)
            foreach (var p in group.Parameters) StepParameter(group, p);
    }

    /// <summary>The update of one parameter of <paramref name="group"/> (nothing when it has no gradient).</summary>
    private void StepParameter(ParameterGroup group, Tensor p)
    {
        var grad = p.Grad;
        if (grad is null) return;
        if (grad.DType != p.DType || !ShapeUtil.SameShape(grad.ShapeSpan, p.ShapeSpan))
            throw new InvalidOperationException($"gradient of shape {ShapeUtil.Format(grad.ShapeSpan)} ({grad.DType}) does not match its parameter {ShapeUtil.Format(p.ShapeSpan)} ({p.DType})");
        if (!grad.IsContiguous) p.Grad = grad = grad.Contiguous();
        if (!_state.TryGetValue(p, out var state)) _state[p] = state = [];
        if (p.DType == DType.Float32) Update<float>(group, p.AsSpan<float>(), grad.AsSpan<float>(), state, p);
        else Update<double>(group, p.AsSpan<double>(), grad.AsSpan<double>(), state, p);
    }

    /// <summary>The optimizer's rule for one parameter; <paramref name="state"/> holds its buffers by name.</summary>
    protected abstract void Update<T>(ParameterGroup group, Span<T> param, ReadOnlySpan<T> grad, Dictionary<string, Tensor> state, Tensor parameter)
        where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>;

    /// <summary>A named state buffer of the parameter's shape, filled with <paramref name="fill"/> (default 0) on first use.</summary>
    protected static Span<T> Buffer<T>(Dictionary<string, Tensor> state, string name, Tensor parameter, double fill = 0) where T : unmanaged
    {
        if (!state.TryGetValue(name, out var t)) state[name] = t = Tensor.Full(parameter.Shape, fill, parameter.DType);
        return t.AsSpan<T>();
    }

    /// <summary>Step counter of one parameter (incremented by the caller).</summary>
    protected static int IncrementStep(Dictionary<string, Tensor> state)
    {
        if (!state.TryGetValue("step", out var t)) state["step"] = t = Tensor.Scalar(0, DType.Float64);
        var s = t.AsSpan<double>();
        s[0] += 1;
        return (int)s[0];
    }

    /// <summary>A copy of the state of <paramref name="parameter"/> (for inspection and tests).</summary>
    public IReadOnlyDictionary<string, Tensor> StateOf(Tensor parameter)
        => _state.TryGetValue(parameter, out var s) ? s.ToDictionary(kv => kv.Key, kv => kv.Value.Clone()) : new Dictionary<string, Tensor>();
}
