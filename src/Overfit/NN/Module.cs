using Overfit.Tensors;

namespace Overfit.NN;

/// <summary>
/// A building block of a network: owns named parameters (tensors that learn), named buffers (state
/// that does not learn, such as running statistics) and named child modules. Each module carries its
/// own training flag; <see cref="Train"/> and <see cref="Eval"/> propagate to the children, so there
/// is no global mode.
/// </summary>
public abstract partial class Module
{
    private readonly List<(string Name, Tensor? Value)> _parameters = [];
    private readonly List<(string Name, Tensor? Value)> _buffers = [];
    private readonly List<(string Name, Module Value)> _children = [];
    private Tensor? _lastActivityPenalty;

    /// <summary>True in training mode (dropout active, batch statistics used); false after <see cref="Eval"/>.</summary>
    public bool Training { get; private set; } = true;

    /// <summary>Penalty on this module's parameter named "weight", added by <see cref="RegularizationLoss"/> (Keras kernel_regularizer).</summary>
    public IRegularizer? WeightRegularizer { get; set; }

    /// <summary>Penalty on this module's parameter named "bias" (Keras bias_regularizer).</summary>
    public IRegularizer? BiasRegularizer { get; set; }

    /// <summary>Penalty on this module's output of the last training forward pass (Keras activity_regularizer).</summary>
    public IRegularizer? ActivityRegularizer { get; set; }

    /// <summary>Runs the module on <paramref name="input"/>.</summary>
    public Tensor Forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var output = ForwardCore(input);
        // The activity penalty belongs to the graph of this very pass, so it is recomputed every time.
        _lastActivityPenalty = ActivityRegularizer is not null && Training ? ActivityRegularizer.Penalty(output) : null;
        return output;
    }

    /// <summary>What <see cref="Forward"/> leaves without an activity regularizer; for a fused pass that stands in for it.</summary>
    internal void ClearActivityPenalty() => _lastActivityPenalty = null;

    /// <summary>The computation of the module; called by <see cref="Forward"/>.</summary>
    protected abstract Tensor ForwardCore(Tensor input);

    /// <summary>Registers (or replaces) a parameter; it is marked as requiring gradients.</summary>
    protected Tensor RegisterParameter(string name, Tensor value)
    {
        CheckName(name);
        value.RequiresGrad = true;
        Set(_parameters, name, value);
        return value;
    }

    /// <summary>Registers a buffer: saved in the state dict but not trained. A null buffer is skipped.</summary>
    protected Tensor? RegisterBuffer(string name, Tensor? value)
    {
        CheckName(name);
        Set(_buffers, name, value);
        return value;
    }

    /// <summary>Registers a child module under <paramref name="name"/>.</summary>
    protected TModule RegisterModule<TModule>(string name, TModule module) where TModule : Module
    {
        CheckName(name);
        ArgumentNullException.ThrowIfNull(module);
        int i = _children.FindIndex(c => c.Name == name);
        if (i >= 0) _children[i] = (name, module); else _children.Add((name, module));
        return module;
    }

    private static void CheckName(string name)
    {
        if (string.IsNullOrEmpty(name) || name.Contains('.'))
            throw new ArgumentException($"a module member name must be non-empty and contain no '.', got '{name}'", nameof(name));
    }

    private static void Set(List<(string Name, Tensor? Value)> list, string name, Tensor? value)
    {
        int i = list.FindIndex(p => p.Name == name);
        if (i >= 0) list[i] = (name, value); else list.Add((name, value));
    }

    /// <summary>This module's own parameter called <paramref name="name"/> (null when absent).</summary>
    protected Tensor? GetParameter(string name) => _parameters.Find(p => p.Name == name).Value;

    /// <summary>This module's own buffer called <paramref name="name"/> (null when absent).</summary>
    protected Tensor? GetBuffer(string name) => _buffers.Find(p => p.Name == name).Value;

    /// <summary>Direct children, in registration order.</summary>
    public IEnumerable<(string Name, Module Module)> NamedChildren() => _children.Select(c => (c.Name, c.Value));

    /// <summary>This module and all descendants with dotted names ("" for this one).</summary>
    public IEnumerable<(string Name, Module Module)> NamedModules(string prefix = "")
    {
        yield return (prefix, this);
        foreach (var (name, child) in _children)
            foreach (var m in child.NamedModules(prefix.Length == 0 ? name : prefix + "." + name))
                yield return m;
    }

    /// <summary>Every parameter with its dotted name ("0.weight"), depth first, each tensor once.</summary>
    public IEnumerable<(string Name, Tensor Parameter)> NamedParameters()
    {
        var seen = new HashSet<Tensor>(ReferenceEqualityComparer.Instance);
        foreach (var (prefix, m) in NamedModules())
            foreach (var (name, p) in m._parameters)
                if (p is not null && seen.Add(p)) yield return (Join(prefix, name), p);
    }

    /// <summary>Every parameter, depth first.</summary>
    public IEnumerable<Tensor> Parameters() => NamedParameters().Select(p => p.Parameter);

    /// <summary>Every non-null buffer with its dotted name.</summary>
    public IEnumerable<(string Name, Tensor Buffer)> NamedBuffers()
    {
        foreach (var (prefix, m) in NamedModules())
            foreach (var (name, b) in m._buffers)
                if (b is not null) yield return (Join(prefix, name), b);
    }

    private static string Join(string prefix, string name) => prefix.Length == 0 ? name : prefix + "." + name;

    /// <summary>Number of trainable scalars.</summary>
    public long ParameterCount() => Parameters().Sum(p => (long)p.Numel);

    /// <summary>Switches this module and all descendants to training mode.</summary>
    public Module Train(bool mode = true)
    {
        foreach (var (_, m) in NamedModules()) m.Training = mode;
        return this;
    }

    /// <summary>Switches this module and all descendants to evaluation mode.</summary>
    public Module Eval() => Train(false);

    /// <summary>Clears the gradients: drops them (the default, as PyTorch), or zeroes them in place.</summary>
    public void ZeroGrad(bool setToNone = true)
    {
        foreach (var p in Parameters())
        {
            if (p.Grad is null) continue;
            if (setToNone) p.Grad = null; else p.Grad.FillInPlace(0);
        }
    }

    /// <summary>
    /// Converts every parameter and buffer to <paramref name="dtype"/>. Parameters are replaced by new
    /// tensors, so build optimizers after calling this.
    /// </summary>
    public Module To(DType dtype)
    {
        foreach (var (_, m) in NamedModules())
        {
            for (int i = 0; i < m._parameters.Count; i++)
            {
                var (name, p) = m._parameters[i];
                if (p is null || p.DType == dtype) continue;
                var q = p.Detach().To(dtype).Contiguous().Clone();
                q.RequiresGrad = true;
                m._parameters[i] = (name, q);
            }
            for (int i = 0; i < m._buffers.Count; i++)
            {
                var (name, b) = m._buffers[i];
                if (b is null || b.DType == dtype) continue;
                m._buffers[i] = (name, b.To(dtype).Contiguous().Clone());
            }
            m.OnDTypeChanged(dtype);
        }
        return this;
    }

    /// <summary>Lets a module refresh fields that cache its parameters after <see cref="To"/>.</summary>
    protected virtual void OnDTypeChanged(DType dtype) { }

    /// <summary>
    /// Sum of every module's weight, bias and activity penalties (Keras-style regularizers); a zero
    /// scalar when none is set. Activity penalties come from the last training forward pass.
    /// </summary>
    public Tensor RegularizationLoss()
    {
        Tensor? total = null;
        DType dtype = DType.Float32;
        foreach (var (_, m) in NamedModules())
        {
            foreach (var (name, p) in m._parameters)
            {
                if (p is null) continue;
                dtype = p.DType;
                var reg = name == "weight" ? m.WeightRegularizer : name == "bias" ? m.BiasRegularizer : null;
                if (reg is not null) total = Accumulate(total, reg.Penalty(p));
            }
            if (m._lastActivityPenalty is not null) total = Accumulate(total, m._lastActivityPenalty);
        }
        return total ?? Tensor.Scalar(0, dtype);
    }

    private static Tensor Accumulate(Tensor? total, Tensor term) => total is null ? term : total.Add(term);

    /// <summary>The type name; layers override it with PyTorch-style descriptions.</summary>
    public override string ToString() => GetType().Name;
}
