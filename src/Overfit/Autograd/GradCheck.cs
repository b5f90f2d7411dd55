using Overfit.Tensors;

namespace Overfit.Autograd;

/// <summary>Compares autograd gradients with central finite differences (run it in Float64).</summary>
public static partial class GradCheck
{
    /// <summary>The largest discrepancy found, and where.</summary>
    public sealed record Result(bool Passed, double MaxAbsError, double MaxRelError, int InputIndex, int ElementIndex, string Message);

    /// <summary>
    /// Checks d sum(f(inputs) · w)/d inputs for a fixed random weighting w, so non-scalar outputs are covered.
    /// Each input must be Float64 with RequiresGrad.
    /// </summary>
    public static Result Check(Func<Tensor[], Tensor> f, Tensor[] inputs, double eps = 1e-6, double atol = 1e-5, double rtol = 1e-4, ulong seed = 0)
    {
        foreach (var x in inputs)
        {
            if (x.DType != DType.Float64) throw new ArgumentException($"GradCheck needs Float64 inputs, got {x.DType.Name()}", nameof(inputs));
            if (!x.RequiresGrad) throw new ArgumentException("GradCheck needs inputs with RequiresGrad = true", nameof(inputs));
        }
        var y0 = f(inputs);
        var w = Tensor.Randn(y0.Shape, new Generator(seed), DType.Float64);
        var analytic = Autograd.Gradient(y0.Mul(w).Sum(), inputs);
        return CompareWithFiniteDifferences(inputs, analytic, () =>
        {
            using (Autograd.NoGrad()) return f(inputs).Mul(w).Sum().Item();
        }, eps, atol, rtol, k => $"input {k}", "autograd");
    }

    /// <summary>
    /// Compares <paramref name="analytic"/>[k] with central differences of <paramref name="evaluate"/> in each element of
    /// <paramref name="wrt"/>[k] (perturbed in place and restored), keeping the worst discrepancy and the first failure.
    /// </summary>
    private static Result CompareWithFiniteDifferences(Tensor[] wrt, Tensor[] analytic, Func<double> evaluate, double eps, double atol, double rtol,
        Func<int, string> name, string kind)
    {
        double worstAbs = 0, worstRel = 0;
        int worstInput = -1, worstElement = -1;
        string message = "ok";
        bool passed = true;
        for (int k = 0; k < wrt.Length; k++)
        {
            var x = wrt[k];
            var ga = analytic[k].Contiguous();
            var offsets = ElementOffsets(x);
            var data = (double[])x.Storage;
            for (int e = 0; e < offsets.Length; e++)
            {
                double saved = data[offsets[e]];
                data[offsets[e]] = saved + eps;
                double plus = evaluate();
                data[offsets[e]] = saved - eps;
                double minus = evaluate();
                data[offsets[e]] = saved;
                double numeric = (plus - minus) / (2 * eps);
                double a = ga.GetFlat(e);
                double abs = Math.Abs(a - numeric);
                double rel = abs / Math.Max(Math.Abs(numeric), 1e-12);
                if (abs > worstAbs) { worstAbs = abs; worstRel = rel; worstInput = k; worstElement = e; }
                if (abs > atol + rtol * Math.Abs(numeric) || double.IsNaN(a) != double.IsNaN(numeric))
                {
                    if (passed) message = $"{name(k)} element {e}: {kind} {a:G10} vs finite difference {numeric:G10}";
                    passed = false;
                }
            }
        }
        return new Result(passed, worstAbs, worstRel, worstInput, worstElement, message);
    }

    private static int[] ElementOffsets(Tensor x)
    {
        var offsets = new int[x.Numel];
        var shape = x.ShapeSpan;
        var strides = x.StrideSpan;
        for (int i = 0; i < x.Numel; i++)
        {
            int rem = i, off = x.Offset;
            for (int d = shape.Length - 1; d >= 0; d--)
            {
                off += rem % shape[d] * strides[d];
                rem /= shape[d];
            }
            offsets[i] = off;
        }
        return offsets;
    }
}
