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
        double worstAbs = 0, worstRel = 0;
        int worstInput = -1, worstElement = -1;
        string message = "ok";
        bool passed = true;
        for (int k = 0; k < all.Length; k++)
        {
            var x = all[k];
            var ga = analytic[k].Contiguous();
            var offsets = ElementOffsets(x);
            var data = (double[])x.Storage;
            for (int e = 0; e < offsets.Length; e++)
            {
                double saved = data[offsets[e]];
                data[offsets[e]] = saved + eps;
                double plus = Directional(createGraph: false, out _);
                data[offsets[e]] = saved - eps;
                double minus = Directional(createGraph: false, out _);
                data[offsets[e]] = saved;
                double numeric = (plus - minus) / (2 * eps);
                double a = ga.GetFlat(e);
                double abs = Math.Abs(a - numeric);
                double rel = abs / Math.Max(Math.Abs(numeric), 1e-12);
                if (abs > worstAbs) { worstAbs = abs; worstRel = rel; worstInput = k; worstElement = e; }
                if (abs > atol + rtol * Math.Abs(numeric) || double.IsNaN(a) != double.IsNaN(numeric))
                {
                    string name = k == inputs.Length ? "output weighting" : $"input {k}";
                    if (passed) message = $"{name} element {e}: second-order autograd {a:G10} vs finite difference {numeric:G10}";
                    passed = false;
                }
            }
        }
        return new Result(passed, worstAbs, worstRel, worstInput, worstElement, message);
    }
}
