using Overfit.Tensors;

namespace Overfit.NN;

public abstract partial class Module
{
    /// <summary>
    /// Parameters and buffers by dotted name, in registration order. The tensors are detached views
    /// of the module's own storage: copy them (Clone) to keep a snapshot.
    /// </summary>
    public Dictionary<string, Tensor> StateDict()
    {
        var state = new Dictionary<string, Tensor>();
        foreach (var (prefix, m) in NamedModules())
        {
            foreach (var (name, p) in m._parameters)
                if (p is not null) state[Join(prefix, name)] = p.Detach();
            foreach (var (name, b) in m._buffers)
                if (b is not null) state[Join(prefix, name)] = b.Detach();
        }
        return state;
    }

    /// <summary>
    /// Copies values into the existing parameters and buffers (in place, so optimizers keep working).
    /// Every key must match a tensor of the same shape; with <paramref name="strict"/>, missing and
    /// unexpected keys are errors too. Values are converted to each tensor's dtype.
    /// </summary>
    public void LoadStateDict(IReadOnlyDictionary<string, Tensor> state, bool strict = true)
    {
        ArgumentNullException.ThrowIfNull(state);
        var own = StateDict();
        foreach (var (key, value) in state)
        {
            if (!own.TryGetValue(key, out var target))
            {
                if (strict) throw new ArgumentException($"state dict has unexpected key '{key}'; the model's keys are: {string.Join(", ", own.Keys)}", nameof(state));
                continue;
            }
            if (!ShapeUtil.SameShape(target.ShapeSpan, value.ShapeSpan))
                throw new ArgumentException($"state dict key '{key}' has shape {ShapeUtil.Format(value.ShapeSpan)} but the model expects {ShapeUtil.Format(target.ShapeSpan)}", nameof(state));
        }
        if (strict)
        {
            var missing = own.Keys.Where(k => !state.ContainsKey(k)).ToList();
            if (missing.Count > 0) throw new ArgumentException($"state dict is missing keys: {string.Join(", ", missing)}", nameof(state));
        }
        using (Autograd.Autograd.NoGrad())
            foreach (var (key, value) in state)
                if (own.TryGetValue(key, out var target))
                    target.CopyFrom(value.DType == target.DType ? value : value.To(target.DType));
    }

    /// <summary>A deep copy of the state dict (a snapshot that later training does not change).</summary>
    public Dictionary<string, Tensor> StateDictSnapshot()
        => StateDict().ToDictionary(kv => kv.Key, kv => kv.Value.Contiguous().Clone());
}
