using Overfit.Tensors;

namespace Overfit.Landscape;

/// <summary>
/// Vectors in parameter space, stored as one tensor per parameter (PyHessian's lists of tensors): inner products
/// accumulated in Float64, and the few updates the Hessian tools need, all without recording on the tape.
/// </summary>
internal static class ParameterVector
{
    public static double Dot(Tensor[] a, Tensor[] b)
    {
        double s = 0;
        for (int k = 0; k < a.Length; k++)
        {
            var (x, y) = (a[k].Detach().Contiguous(), b[k].Detach().Contiguous());
            if (x.DType == DType.Float32)
            {
                // SIMD float products summed in blocks, the blocks added in double (as Tensor.Sum does for float32).
                Span<float> p = x.AsSpan<float>(), q = y.AsSpan<float>();
                for (int i = 0; i < p.Length; i += 4096)
                {
                    int n = Math.Min(4096, p.Length - i);
                    s += System.Numerics.Tensors.TensorPrimitives.Dot(p.Slice(i, n), q.Slice(i, n));
                }
            }
            else s += System.Numerics.Tensors.TensorPrimitives.Dot(x.AsSpan<double>(), y.AsSpan<double>());
        }
        return s;
    }

    public static double Norm(Tensor[] a) => Math.Sqrt(Dot(a, a));

    /// <summary>a·x + b·y, elementwise per parameter.</summary>
    public static Tensor[] Combine(double a, Tensor[] x, double b, Tensor[] y)
    {
        using var _ = Autograd.Autograd.NoGrad();
        var r = new Tensor[x.Length];
        for (int k = 0; k < x.Length; k++) r[k] = x[k].Detach().Mul(a).Add(y[k].Detach().Mul(b));
        return r;
    }

    public static Tensor[] Scale(Tensor[] x, double a)
    {
        using var _ = Autograd.Autograd.NoGrad();
        return Array.ConvertAll(x, t => t.Detach().Mul(a));
    }

    /// <summary>x / ‖x‖, exactly of unit norm (PyHessian adds 1e-6 to the norm, which biases the Rayleigh quotient); zero stays zero.</summary>
    public static Tensor[] Normalize(Tensor[] x)
    {
        double norm = Norm(x);
        return Scale(x, norm > 0 ? 1 / norm : 0);
    }

    /// <summary>x made orthogonal to each of <paramref name="basis"/> (Gram–Schmidt, one pass), then normalized; x is left as it was.</summary>
    public static Tensor[] Orthonormalize(Tensor[] x, IEnumerable<Tensor[]> basis)
    {
        var r = Array.ConvertAll(x, t => t.Detach().Contiguous().Clone());
        OrthonormalizeInPlace(r, basis);
        return r;
    }

    /// <summary><see cref="Orthonormalize"/> in place (x contiguous and owned by the caller).</summary>
    public static void OrthonormalizeInPlace(Tensor[] x, IEnumerable<Tensor[]> basis)
    {
        foreach (var u in basis) AddScaled(x, -Dot(x, u), u);
        double norm = Norm(x);
        ScaleInto(x, x, norm > 0 ? 1 / norm : 0);
    }

    /// <summary>y ← x / ‖x‖ (zero stays zero), <see cref="Normalize"/> into the caller's contiguous <paramref name="y"/>, which may be x.</summary>
    public static void NormalizeInto(Tensor[] y, Tensor[] x)
    {
        double norm = Norm(x);
        ScaleInto(y, x, norm > 0 ? 1 / norm : 0);
    }

    /// <summary>Zero vectors of the parameters' shapes and dtypes, for the in-place updates.</summary>
    public static Tensor[] ZerosLike(IReadOnlyList<Tensor> like) => like.Select(p => Tensor.Zeros(p.Shape, p.DType)).ToArray();

    /// <summary>y ← y + a·x in place (y contiguous and owned by the caller).</summary>
    public static void AddScaled(Tensor[] y, double a, Tensor[] x)
    {
        for (int k = 0; k < y.Length; k++)
        {
            var xs = x[k].Detach().Contiguous();
            if (y[k].DType == DType.Float32)
                System.Numerics.Tensors.TensorPrimitives.MultiplyAdd(xs.AsSpan<float>(), (float)a, y[k].AsSpan<float>(), y[k].AsSpan<float>());
            else
                System.Numerics.Tensors.TensorPrimitives.MultiplyAdd(xs.AsSpan<double>(), a, y[k].AsSpan<double>(), y[k].AsSpan<double>());
        }
    }

    /// <summary>y ← a·x elementwise, the factor rounded to the dtype first as <see cref="Scale"/> does (y contiguous and owned by the caller; it may be x).</summary>
    private static void ScaleInto(Tensor[] y, Tensor[] x, double a)
    {
        for (int k = 0; k < y.Length; k++)
        {
            var xs = x[k].IsContiguous ? x[k] : x[k].Detach().Contiguous();
            if (y[k].DType == DType.Float32) System.Numerics.Tensors.TensorPrimitives.Multiply(xs.AsSpan<float>(), (float)a, y[k].AsSpan<float>());
            else System.Numerics.Tensors.TensorPrimitives.Multiply(xs.AsSpan<double>(), a, y[k].AsSpan<double>());
        }
    }

    public static Tensor[] Gaussian(IReadOnlyList<Tensor> like, Generator gen)
        => like.Select(p => Tensor.Randn(p.Shape, gen, p.DType)).ToArray();

    /// <summary>Independent ±1 entries with equal probability.</summary>
    public static Tensor[] Rademacher(IReadOnlyList<Tensor> like, Generator gen)
    {
        var r = new Tensor[like.Count];
        for (int k = 0; k < r.Length; k++)
        {
            var values = new double[like[k].Numel];
            for (int i = 0; i < values.Length; i++) values[i] = gen.NextDouble() < 0.5 ? -1 : 1;
            r[k] = Tensor.FromArray(values, like[k].Shape).To(like[k].DType);
        }
        return r;
    }

    /// <summary>All parameters' elements in one Float64 array (the order of the list, row-major within each).</summary>
    public static double[] Flatten(Tensor[] x)
    {
        var all = new List<double>();
        foreach (var t in x) all.AddRange(t.ToDoubleArray());
        return [.. all];
    }
}
