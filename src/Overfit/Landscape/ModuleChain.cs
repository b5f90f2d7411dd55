using Overfit.NN;
using Overfit.Tensors;

namespace Overfit.Landscape;

/// <summary>
/// A network that is one chain of modules (a <see cref="SimpleNetwork"/> or a <see cref="Sequential"/>, nested
/// Sequentials expanded): the form the landscape tools' fast paths look for.
/// </summary>
internal static class ModuleChain
{
    /// <summary>The modules <paramref name="model"/> runs, in order; null for any other model.</summary>
    public static List<Module>? Of(Module model)
    {
        if (model is not (SimpleNetwork or Sequential)) return null;
        var list = new List<Module>();
        foreach (var (_, child) in model.NamedChildren())
        {
            if (child is Sequential s)
            {
                var inner = Of(s);
                if (inner is null) return null;
                list.AddRange(inner);
            }
            else list.Add(child);
        }
        return list;
    }

    /// <summary>Position of <paramref name="p"/> (by reference) in <paramref name="parameters"/>, or −1.</summary>
    public static int IndexOf(IReadOnlyList<Tensor> parameters, Tensor p)
    {
        for (int i = 0; i < parameters.Count; i++) if (ReferenceEquals(parameters[i], p)) return i;
        return -1;
    }
}
