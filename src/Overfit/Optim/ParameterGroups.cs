using Overfit.NN;
using Overfit.Tensors;

namespace Overfit.Optim;

/// <summary>Helpers that split a model's parameters into groups.</summary>
public static class ParameterGroups
{
    /// <summary>
    /// Two groups, the common practice for weight decay: weights get <paramref name="weightDecay"/>;
    /// biases (parameters named "bias") and every parameter of a normalization layer get none.
    /// </summary>
    public static ParameterGroup[] WithNoDecayOnBiasAndNorm(Module model, double weightDecay)
    {
        ArgumentNullException.ThrowIfNull(model);
        var decay = new List<Tensor>();
        var noDecay = new List<Tensor>();
        var seen = new HashSet<Tensor>(ReferenceEqualityComparer.Instance);
        foreach (var (_, m) in model.NamedModules())
            foreach (var (name, p) in m.NamedParameters())
            {
                if (name.Contains('.') || !seen.Add(p)) continue; // own parameters only; children are visited themselves
                if (m is INormalizationLayer || name == "bias") noDecay.Add(p); else decay.Add(p);
            }
        return [new ParameterGroup(decay, weightDecay: weightDecay), new ParameterGroup(noDecay, weightDecay: 0)];
    }
}
