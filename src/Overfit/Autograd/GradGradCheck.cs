using Overfit.Tensors;

namespace Overfit.Autograd;

public static partial class GradCheck
{
    /// <summary>
    /// Second-order check (PyTorch's gradgradcheck): with G(x, w) = d sum(f(x)·w)/dx for a random weighting w
    /// and a random direction v, compares the createGraph gradient of ⟨G, v⟩ with respect to the inputs and to w
    /// against central differences of first-order gradients. Covering w checks that a backward rule stays
    /// differentiable in the incoming gradient, which carries curvature through chains of ops.
    /// Each input must be Float64 with RequiresGrad.
    /// </summary>
    public static Result GradGradCheck(Func<Tensor[], Tensor> f, Tensor[] inputs, double eps = 1e-6, double atol = 1e-5, double rtol = 1e-4, ulong seed = 0)
    {
        foreach (var x in inputs)
        {
            if (x.DType != DType.Float64) throw new ArgumentException($"GradGradCheck needs Float64 inputs, got {x.DType.Name()}", nameof(inputs));
            if (!x.RequiresGrad) throw new ArgumentException("GradGradCheck needs inputs with RequiresGrad = true", nameof(inputs));
        }
        var gen = new Generator(seed);
        var y0 = f(inputs);
        var w = Tensor.Randn(y0.Shape, gen, DType.Float64);
        w.RequiresGrad = true;
        var v = Array.ConvertAll(inputs, x => Tensor.Randn(x.Shape, gen, DType.Float64));

        double Directional(bool createGraph, out Tensor h)
        {
            var grads = Autograd.Gradient(f(inputs).Mul(w).Sum(), inputs, createGraph: createGraph);
            h = Tensor.Scalar(0, DType.Float64);
            for (int k = 0; k < grads.Length; k++) h = h.Add(grads[k].Mul(v[k]).Sum());
            return h.Item();
        }

        Directional(createGraph: true, out var hGraph);
        var all = inputs.Append(w).ToArray();
        var analytic = hGraph.RequiresGrad ? Autograd.Gradient(hGraph, all) : Array.ConvertAll(all, Tensor.ZerosLike);
        return CompareWithFiniteDifferences(all, analytic, () => Directional(createGraph: false, out _), eps, atol, rtol,
            k => k == inputs.Length ? "output weighting" : $"input {k}", "second-order autograd");
    }
}
