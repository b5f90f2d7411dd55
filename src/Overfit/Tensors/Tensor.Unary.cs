using System.Numerics;
using Overfit.Tensors.Kernels;
using static Overfit.Autograd.Autograd;

namespace Overfit.Tensors;

/// <summary>Elementwise functions and activations with their derivatives.</summary>
public sealed partial class Tensor
{
    internal Tensor MapKernel<TK>() where TK : struct, IUnaryKernel
    {
        var r = Uninitialized(_shape, DType);
        ParallelMap.Unary<TK>(ContiguousData(), r);
        return r;
    }

    /// <summary>This tensor when contiguous (read in place, no view made), else a contiguous copy; no autograd.</summary>
    internal Tensor ContiguousData() => IsContiguous ? this : Detach().Contiguous();

    /// <summary>Applies an operator struct elementwise (no autograd), SIMD where the op has a vector form.</summary>
    internal Tensor MapOp<TF, TD>(TF opF, TD opD) where TF : struct, IUnaryOp<float> where TD : struct, IUnaryOp<double>
    {
        var r = Uninitialized(_shape, DType);
        ParallelMap.Op(opF, opD, ContiguousData(), r);
        return r;
    }

    /// <summary>Applies a binary operator struct to two tensors with broadcasting (no autograd).</summary>
    internal static Tensor ZipOp<TF, TD>(Tensor x, Tensor y, TF opF, TD opD, string name) where TF : struct, IBinaryOp<float> where TD : struct, IBinaryOp<double>
        => Broadcasting.BinaryOp(x, y, opF, opD, name); // reads the data only: no views made, nothing recorded

    /// <summary><see cref="ZipOp{TF, TD}"/> for a lane-wise op with 512-bit forms: large outputs are written past the caches.</summary>
    internal static Tensor ZipLanewise<TF, TD>(Tensor x, Tensor y, TF opF, TD opD, string name) where TF : struct, ILanewiseBinaryOp<float> where TD : struct, ILanewiseBinaryOp<double>
        => Broadcasting.LanewiseBinaryOp(x, y, opF, opD, name);

    /// <summary>Applies a scalar function elementwise (no autograd); only for cold paths without a SIMD kernel.</summary>
    internal Tensor Map(Func<double, double> f)
    {
        var src = Detach().Contiguous();
        var r = Uninitialized(_shape, DType);
        if (DType == DType.Float32)
        {
            var s = src.AsSpan<float>(); var d = r.AsSpan<float>();
            for (int i = 0; i < s.Length; i++) d[i] = (float)f(s[i]);
        }
        else
        {
            var s = src.AsSpan<double>(); var d = r.AsSpan<double>();
            for (int i = 0; i < s.Length; i++) d[i] = f(s[i]);
        }
        return r;
    }

    /// <summary>Elementwise −x (torch.neg).</summary>
    public Tensor Neg() => Record(MapKernel<NegKernel>(), "Neg", [this], g => [g.Neg()]);

    /// <summary>Elementwise e^x (torch.exp).</summary>
    public Tensor Exp()
    {
        var r = MapKernel<ExpKernel>();
        return Record(r, "Exp", [this], g => [g.Mul(r)]);
    }

    /// <summary>Elementwise natural logarithm (torch.log); log 0 = −∞, negative inputs give NaN.</summary>
    public Tensor Log()
    {
        var x = this;
        return Record(MapKernel<LogKernel>(), "Log", [x], g => [g.Div(x)]);
    }

    /// <summary>Elementwise square root (torch.sqrt); negative inputs give NaN.</summary>
    public Tensor Sqrt()
    {
        var r = MapKernel<SqrtKernel>();
        return Record(r, "Sqrt", [this], g => [g.Div(r.Mul(2.0))]);
    }

    /// <summary>Elementwise x² (x · x).</summary>
    public Tensor Square() => Mul(this);

    /// <summary>|x|; the gradient at 0 is 0, as in PyTorch.</summary>
    public Tensor Abs()
    {
        var x = this;
        return Record(MapKernel<AbsKernel>(), "Abs", [x], g => [g.Mul(x.Sign())]);
    }

    /// <summary>-1, 0 or 1; NaN stays NaN (IEEE propagation, as NumPy; PyTorch gives 0). Not differentiable.</summary>
    public Tensor Sign() => MapOp(new SignOp<float>(), new SignOp<double>());

    /// <summary>Elementwise sine, in radians (torch.sin).</summary>
    public Tensor Sin()
    {
        var x = this;
        return Record(MapKernel<SinKernel>(), "Sin", [x], g => [g.Mul(x.Cos())]);
    }

    /// <summary>Elementwise cosine, in radians (torch.cos).</summary>
    public Tensor Cos()
    {
        var x = this;
        return Record(MapKernel<CosKernel>(), "Cos", [x], g => [g.Mul(x.Sin()).Neg()]);
    }

    /// <summary>Elementwise hyperbolic tangent (torch.tanh); derivative 1 − tanh².</summary>
    public Tensor Tanh()
    {
        var r = MapKernel<TanhKernel>();
        // Without a graph to build, the rule is one fused pass (same arithmetic, same rounding).
        return Record(r, "Tanh", [this], g => [IsGradEnabled ? g.Mul(r.Mul(r).Neg().Add(1.0)) : ZipLanewise(r, g, new TanhGradOp<float>(), new TanhGradOp<double>(), "Tanh backward")]);
    }

    /// <summary>Elementwise logistic 1 / (1 + e^−x) (torch.sigmoid); derivative σ(1 − σ).</summary>
    public Tensor Sigmoid()
    {
        var r = MapKernel<SigmoidKernel>();
        return Record(r, "Sigmoid", [this], g => [IsGradEnabled ? g.Mul(r).Mul(r.Neg().Add(1.0)) : ZipLanewise(r, g, new SigmoidGradOp<float>(), new SigmoidGradOp<double>(), "Sigmoid backward")]);
    }

    /// <summary>max(x, 0); gradient 0 at x = 0, as in PyTorch.</summary>
    public Tensor Relu()
    {
        var r = MapKernel<ReluKernel>();
        return Record(r, "Relu", [this], g => [IsCreatingGraph ? g.Mul(r.Gt(0.0))
            : ZipLanewise(r, g, new ReluGradOp<float>(), new ReluGradOp<double>(), "Relu backward")]);
    }

    /// <summary>x for x &gt; 0, negativeSlope·x otherwise (torch.nn.functional.leaky_relu, default slope 0.01).</summary>
    public Tensor LeakyRelu(double negativeSlope = 0.01)
    {
        var x = this;
        var r = MapOp(new LeakyReluOp<float>((float)negativeSlope), new LeakyReluOp<double>(negativeSlope));
        return Record(r, "LeakyRelu", [x], g => [IsCreatingGraph ? g.Mul(x.Gt(0.0).Mul(1 - negativeSlope).Add(negativeSlope))
            : ZipOp(x, g, new LeakyReluGradOp<float>((float)negativeSlope), new LeakyReluGradOp<double>(negativeSlope), "LeakyRelu backward")]);
    }

    /// <summary>Exact GELU x·Φ(x) (PyTorch's default approximate='none').</summary>
    public Tensor Gelu()
    {
        var x = this;
        // The gradient g·(Φ(x) + x·φ(x)) in one pass, with no derivative tensor in between.
        return Record(MapKernel<GeluKernel>(), "Gelu", [x], g => [IsCreatingGraph ? g.Mul(x.GeluDerivative())
            : Broadcasting.GeluGradient(x, g)]);
    }

    /// <summary>Φ(x) + x·φ(x) as a recorded op (createGraph mode); its derivative is φ(x)·(2 − x²).</summary>
    private Tensor GeluDerivative()
    {
        var x = this;
        return Record(MapKernel<GeluDerivativeKernel>(), "GeluDerivative", [x], g =>
        {
            var square = x.Mul(x);
            var density = square.Mul(-0.5).Exp().Mul(1 / Math.Sqrt(2 * Math.PI));
            return [g.Mul(density.Mul(square.Neg().Add(2.0)))];
        });
    }

    /// <summary>x for x &gt; 0, alpha·(e^x − 1) otherwise (torch.nn.functional.elu, default alpha 1).</summary>
    public Tensor Elu(double alpha = 1.0)
    {
        var x = this;
        var expm1 = MapKernel<ExpM1Kernel>();
        var r = ZipOp(x, expm1, new EluOp<float>((float)alpha), new EluOp<double>(alpha), "Elu");
        return Record(r, "Elu", [x], g => [IsCreatingGraph ? g.Mul(Where(x.Gt(0.0), OnesLike(x), r.Add(alpha)))
            : ZipOp(r, g, new EluGradOp<float>((float)alpha), new EluGradOp<double>(alpha), "Elu backward")]);
    }

    /// <summary>x·sigmoid(x).</summary>
    public Tensor Silu()
    {
        var x = this;
        var s = MapKernel<SigmoidKernel>();
        var r = Broadcasting.Binary<MulKernel>(Detach(), s, "Silu");
        return Record(r, "Silu", [x], g =>
        {
            var sg = IsCreatingGraph ? x.Sigmoid() : s;
            return [g.Mul(sg.Mul(x.Mul(sg.Neg().Add(1.0)).Add(1.0)))];
        });
    }

    /// <summary>log(1 + e^x), computed without overflow; derivative sigmoid(x).</summary>
    public Tensor Softplus()
    {
        var x = this;
        return Record(MapKernel<SoftplusKernel>(), "Softplus", [x], g => [g.Mul(IsCreatingGraph ? x.Sigmoid() : x.MapKernel<SigmoidKernel>())]);
    }

    /// <summary>Clamps into [min, max] (either bound optional); the gradient flows where min ≤ x ≤ max, like PyTorch.</summary>
    public Tensor Clamp(double? min = null, double? max = null)
    {
        if (min is double lo && max is double hi && lo > hi) throw new ArgumentException($"Clamp: min {lo} is greater than max {hi}");
        var x = this;
        double a = min ?? double.NegativeInfinity, b = max ?? double.PositiveInfinity;
        var r = MapOp(new ClampOp<float>((float)a, (float)b), new ClampOp<double>(a, b));
        return Record(r, "Clamp", [x], g => [IsCreatingGraph ? g.Mul(x.Ge(a).Mul(x.Le(b)))
            : ZipOp(x, g, new ClampGradOp<float>((float)a, (float)b), new ClampGradOp<double>(a, b), "Clamp backward")]);
    }

    internal static double ToDouble<T>(T v) where T : INumberBase<T> => double.CreateTruncating(v);
}
