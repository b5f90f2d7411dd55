using Overfit.NN;
using Overfit.Tensors;

namespace Overfit.Landscape;

/// <summary>
/// For a network that runs a chain of modules opening with (Flatten and then) a Linear layer: the first layer's
/// output at θ + a·d1 + b·d2 is P0 + a·P1 + b·P2 with P0 = X·Wᵀ + c, P1 = X·D1ᵀ + e1, P2 = X·D2ᵀ + e2 (exact by
/// linearity), so a surface forms those three products once per batch and runs only the later layers per point.
/// </summary>
internal sealed class FirstLinearPlan
{
    private readonly Module[] _before;
    private readonly Linear _first;
    private readonly Module[] _after;
    private readonly int _weightIndex;
    private readonly int _biasIndex;

    private FirstLinearPlan(Module[] before, Linear first, Module[] after, int weightIndex, int biasIndex)
    {
        (_before, _first, _after, _weightIndex, _biasIndex) = (before, first, after, weightIndex, biasIndex);
    }

    /// <summary>The three products of one batch, and a buffer for their combination.</summary>
    public readonly record struct Products(Tensor P0, Tensor P1, Tensor P2, Tensor Buffer);

    /// <summary>A plan when <paramref name="model"/> is such a chain and its first layer's parameters are among <paramref name="parameters"/>; else null.</summary>
    public static FirstLinearPlan? TryCreate(Module model, IReadOnlyList<Tensor> parameters)
    {
        var chain = ModuleChain.Of(model);
        if (chain is null) return null;
        int at = 0;
        while (at < chain.Count && chain[at] is Flatten) at++;
        if (at >= chain.Count || chain[at] is not Linear first || first.ActivityRegularizer is not null) return null;
        int w = ModuleChain.IndexOf(parameters, first.Weight);
        int b = first.Bias is null ? -1 : ModuleChain.IndexOf(parameters, first.Bias);
        if (w < 0 || (first.Bias is not null && b < 0)) return null;
        return new FirstLinearPlan([.. chain.Take(at)], first, [.. chain.Skip(at + 1)], w, b);
    }

    /// <summary>True when parameter <paramref name="k"/> is the first layer's (its move is folded into the products).</summary>
    public bool Covers(int k) => k == _weightIndex || k == _biasIndex;

    public Products Prepare(Tensor inputs, Tensor[] saved, Tensor[] d1, Tensor[] d2)
    {
        var x = inputs;
        foreach (var m in _before) x = m.Forward(x);
        Tensor? Bias(Tensor[] set) => _biasIndex < 0 ? null : set[_biasIndex];
        var p0 = NNFunctional.Linear(x, saved[_weightIndex], Bias(saved));
        var p1 = NNFunctional.Linear(x, d1[_weightIndex], Bias(d1));
        var p2 = NNFunctional.Linear(x, d2[_weightIndex], Bias(d2));
        return new Products(p0, p1, p2, Tensor.Empty(p0.Shape, p0.DType));
    }

    /// <summary>The network's output at θ + a·d1 + b·d2, the later layers' parameters already moved there.</summary>
    public Tensor ForwardRest(Products p, double a, double b)
    {
        LossSurface.MoveTo(p.Buffer, p.P0, a, p.P1, b, p.P2);
        var x = p.Buffer;
        foreach (var m in _after) x = m.Forward(x);
        return x;
    }
}
