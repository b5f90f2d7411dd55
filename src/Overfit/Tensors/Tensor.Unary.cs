using System.Numerics;
using Overfit.Tensors.Kernels;
using static Overfit.Autograd.Autograd;

namespace Overfit.Tensors;

/// <summary>Elementwise functions and activations with their derivatives.</summary>
public sealed partial class Tensor
{
    internal Tensor MapKernel<TK>() where TK : struct, IUnaryKernel
    {
        var src = Detach().Contiguous();
        var r = Empty(_shape, DType);
        if (DType == DType.Float32) TK.Apply<float>(src.AsSpan<float>(), r.AsSpan<float>());
        else TK.Apply<double>(src.AsSpan<double>(), r.AsSpan<double>());
        return r;
    }

    /// <summary>Applies a scalar function elementwise (no autograd); for ops without a SIMD kernel.</summary>
    internal Tensor Map(Func<double, double> f)
    {
        var src = Detach().Contiguous();
        var r = Empty(_shape, DType);
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

    public Tensor Neg() => Record(MapKernel<NegKernel>(), "Neg", [this], g => [g.Neg()]);

    public Tensor Exp()
    {
        var r = MapKernel<ExpKernel>();
        return Record(r, "Exp", [this], g => [g.Mul(r)]);
    }

    public Tensor Log()
    {
        var x = this;
        return Record(MapKernel<LogKernel>(), "Log", [x], g => [g.Div(x)]);
    }

    public Tensor Sqrt()
    {
        var r = MapKernel<SqrtKernel>();
        return Record(r, "Sqrt", [this], g => [g.Div(r.Mul(2.0))]);
    }

    public Tensor Square() => Mul(this);

    /// <summary>|x|; the gradient at 0 is 0, as in PyTorch.</summary>
    public Tensor Abs()
    {
        var x = this;
        return Record(MapKernel<AbsKernel>(), "Abs", [x], g => [g.Mul(x.Sign())]);
    }

    /// <summary>-1, 0 or 1 (not differentiable).</summary>
    public Tensor Sign() => Map(v => double.IsNaN(v) ? double.NaN : Math.Sign(v));

    public Tensor Sin()
    {
        var x = this;
        return Record(MapKernel<SinKernel>(), "Sin", [x], g => [g.Mul(x.Cos())]);
    }

    public Tensor Cos()
    {
        var x = this;
        return Record(MapKernel<CosKernel>(), "Cos", [x], g => [g.Mul(x.Sin()).Neg()]);
    }

    public Tensor Tanh()
    {
        var r = MapKernel<TanhKernel>();
        return Record(r, "Tanh", [this], g => [g.Mul(r.Mul(r).Neg().Add(1.0))]);
    }

    public Tensor Sigmoid()
    {
        var r = MapKernel<SigmoidKernel>();
        return Record(r, "Sigmoid", [this], g => [g.Mul(r).Mul(r.Neg().Add(1.0))]);
    }

    /// <summary>max(x, 0); gradient 0 at x = 0, as in PyTorch.</summary>
    public Tensor Relu()
    {
        var r = MapKernel<ReluKernel>();
        return Record(r, "Relu", [this], g => [g.Mul(r.Gt(0.0))]);
    }

    public Tensor LeakyRelu(double negativeSlope = 0.01)
    {
        var x = this;
        var r = Map(v => v > 0 ? v : v * negativeSlope);
        return Record(r, "LeakyRelu", [x], g => [g.Mul(x.Map(v => v > 0 ? 1 : negativeSlope))]);
    }

    /// <summary>Exact GELU x·Φ(x) (PyTorch's default approximate='none').</summary>
    public Tensor Gelu()
    {
        var x = this;
        return Record(MapKernel<GeluKernel>(), "Gelu", [x], g => [g.Mul(x.Map(v => SpecialFunctions.NormalCdf(v) + v * SpecialFunctions.NormalPdf(v)))]);
    }

    public Tensor Elu(double alpha = 1.0)
    {
        var x = this;
        var r = Map(v => v > 0 ? v : alpha * (Math.Exp(v) - 1));
        return Record(r, "Elu", [x], g => [g.Mul(x.Map(v => v > 0 ? 1 : alpha * Math.Exp(v)))]);
    }

    /// <summary>x·sigmoid(x).</summary>
    public Tensor Silu()
    {
        var x = this;
        var s = MapKernel<SigmoidKernel>();
        var r = Broadcasting.Binary<MulKernel>(Detach(), s, "Silu");
        return Record(r, "Silu", [x], g => [g.Mul(s.Mul(x.Mul(s.Neg().Add(1.0)).Add(1.0)))]);
    }

    /// <summary>log(1 + e^x), computed without overflow; derivative sigmoid(x).</summary>
    public Tensor Softplus()
    {
        var x = this;
        return Record(MapKernel<SoftplusKernel>(), "Softplus", [x], g => [g.Mul(x.MapKernel<SigmoidKernel>())]);
    }

    /// <summary>Clamps into [min, max] (either bound optional); the gradient flows where min <= x <= max, like PyTorch.</summary>
    public Tensor Clamp(double? min = null, double? max = null)
    {
        if (min is double lo && max is double hi && lo > hi) throw new ArgumentException($"Clamp: min {lo} is greater than max {hi}");
        var x = this;
        double a = min ?? double.NegativeInfinity, b = max ?? double.PositiveInfinity;
        var r = Map(v => double.IsNaN(v) ? v : Math.Min(Math.Max(v, a), b));
        return Record(r, "Clamp", [x], g => [g.Mul(x.Map(v => v >= a && v <= b ? 1 : 0))]);
    }

    internal static double ToDouble<T>(T v) where T : INumberBase<T> => double.CreateTruncating(v);
}
