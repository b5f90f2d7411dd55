using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Overfit.GaussianProcesses;

/// <summary>
/// Matérn kernel for any smoothness ν &gt; 0, isotropic or ARD (scikit-learn's Matern). With r the scaled distance and
/// z = √(2ν)·r: k = 2^(1−ν)/Γ(ν)·z^ν·K_ν(z) (K_ν the modified Bessel function of the second kind), with the closed
/// forms ν=½ exp(−r); ν=3/2 (1+√3r)exp(−√3r); ν=5/2 (1+√5r+5r²/3)exp(−√5r); ν=∞ exp(−r²/2) (the RBF).
/// </summary>
public sealed partial class Matern : StationaryKernel
{
    private static readonly double Sqrt3 = Math.Sqrt(3), Sqrt5 = Math.Sqrt(5);

    /// <summary>Isotropic Matérn kernel (like sklearn.gaussian_process.kernels.Matern; default ν = 1.5).</summary>
    /// <param name="lengthScale">Length scale l &gt; 0 (default 1).</param>
    /// <param name="nu">Smoothness ν &gt; 0; 0.5, 1.5, 2.5 and ∞ use closed forms.</param>
    /// <param name="lower">Lower bound of l for fitting.</param>
    /// <param name="upper">Upper bound of l for fitting.</param>
    /// <param name="isFixed">Keep l out of the fit.</param>
    /// <param name="prior">Optional prior on l.</param>
    /// <exception cref="ArgumentOutOfRangeException">l or ν is not positive, or the bounds are not 0 &lt; lower ≤ upper.</exception>
    public Matern(double lengthScale = 1.0, double nu = 1.5, double lower = 1e-5, double upper = 1e5, bool isFixed = false, Prior? prior = null)
        : base(MakeLengthScale([lengthScale], lower, upper, isFixed, prior)) => Nu = CheckNu(nu);

    /// <summary>ARD: one length scale per input dimension.</summary>
    public Matern(double[] lengthScale, double nu = 1.5, double lower = 1e-5, double upper = 1e5, bool isFixed = false, Prior? prior = null)
        : base(MakeLengthScale(lengthScale, lower, upper, isFixed, prior)) => Nu = CheckNu(nu);

    private Matern(Hyperparameter h, double nu) : base(h) => Nu = nu;

    internal override StationaryKernel WithLengthScale(double[] lengthScale, double lower, double upper, Prior? prior) =>
        new Matern(MakeLengthScale(lengthScale, lower, upper, isFixed: false, prior), Nu);

    /// <summary>Smoothness ν (fixed, not a hyperparameter).</summary>
    public double Nu { get; }

    private static double CheckNu(double nu) =>
        nu > 0 ? nu : throw new ArgumentOutOfRangeException(nameof(nu), $"nu must be > 0 (0.5, 1.5, 2.5 and infinity have closed forms), got {nu}");

    /// <inheritdoc/>
    public override Kernel Clone() => new Matern(LengthScaleParameter.CloneDeep(), Nu);

    /// <inheritdoc/>
    public override string ToString() => $"Matern(nu={Nu}, {string.Join(", ", Hyperparameters)})";

    /// <inheritdoc/>
    protected override double ValueFromSquaredDistance(double r2)
    {
        double r = Math.Sqrt(r2);
        return Nu switch
        {
            0.5 => Math.Exp(-r),
            1.5 => (1 + Sqrt3 * r) * Math.Exp(-Sqrt3 * r),
            2.5 => (1 + Sqrt5 * r + 5.0 / 3.0 * r2) * Math.Exp(-Sqrt5 * r),
            double.PositiveInfinity => Math.Exp(-0.5 * r2),
            _ => BesselValue(Nu, r),
        };
    }

    /// <inheritdoc/>
    protected override double GradientFactor(double r2)
    {
        double r = Math.Sqrt(r2);
        return Nu switch
        {
            // dk/dr = −exp(−r); ∂r/∂log l_k = −D_k / r. At r = 0 every D_k is 0, so the factor is irrelevant: use 0.
            0.5 => r > 0 ? Math.Exp(-r) / r : 0,
            1.5 => 3 * Math.Exp(-Sqrt3 * r),
            2.5 => 5.0 / 3.0 * (1 + Sqrt5 * r) * Math.Exp(-Sqrt5 * r),
            double.PositiveInfinity => Math.Exp(-0.5 * r2),
            _ => BesselGradientFactor(Nu, r),
        };
    }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    protected override void ValuesAndGradientFactors(ReadOnlySpan<double> r2, Span<double> values, Span<double> factors)
    {
        if (Nu != 2.5) base.ValuesAndGradientFactors(r2, values, factors);
        else if (Vector512.IsHardwareAccelerated) FiveHalvesValuesAndFactors(r2, values, factors);
        else ValuesAndGradientFactorsByPasses(r2, values, factors);
    }

    /// <summary>
    /// ν = 5/2 k(r²) into <paramref name="values"/> and g(r²) into <paramref name="factors"/> on 512-bit vectors.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static unsafe void FiveHalvesValuesAndFactors(ReadOnlySpan<double> r2, Span<double> values, Span<double> factors)
    {
        if (values.Length < r2.Length || factors.Length < r2.Length) throw new ArgumentException($"values and factors must hold {r2.Length} elements, got {values.Length} and {factors.Length}");
        // ν = 5/2 with t = √(5r²), e = exp(−t): k = (1 + t + t²/3)e, g = 5/3 (1 + t)e, in one pass of 512-bit vectors
        // (the tail through a padded vector), each lane the same operations in the same order as the passes.
        fixed (double* rp = r2, vp = values, fp = factors)
        {
            int n = r2.Length, j = 0;
            for (; j <= n - 8; j += 8) ValuesAndFactors52(Vector512.Load(rp + j), vp + j, fp + j);
            if (j < n)
            {
                double* pad = stackalloc double[24];
                for (int q = 0; q < 8; q++) pad[q] = j + q < n ? rp[j + q] : 0;
                ValuesAndFactors52(Vector512.Load(pad), pad + 8, pad + 16);
                for (int q = 0; j + q < n; q++) { vp[j + q] = pad[8 + q]; fp[j + q] = pad[16 + q]; }
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void ValuesAndFactors52(Vector512<double> r2, double* values, double* factors)
    {
        var one = Vector512.Create(1.0);
        var t2 = r2 * Vector512.Create(5.0);
        var t = Vector512.Sqrt(t2);
        var v = t2 * Vector512.Create(1.0 / 3.0) + t + one;
        var f = t + one;
        var e = Vector512.Exp(one - f);
        (v * e).Store(values);
        (f * e * Vector512.Create(5.0 / 3.0)).Store(factors);
    }

    /// <summary>ν = 5/2 values and gradient factors by whole-row passes (where 512-bit vectors are not accelerated).</summary>
    internal static void ValuesAndGradientFactorsByPasses(ReadOnlySpan<double> r2, Span<double> values, Span<double> factors)
    {
        System.Numerics.Tensors.TensorPrimitives.Multiply(r2, 5.0, values);          // t²
        System.Numerics.Tensors.TensorPrimitives.Sqrt(values, factors);              // t
        System.Numerics.Tensors.TensorPrimitives.Multiply(values, 1.0 / 3.0, values); // t²/3
        System.Numerics.Tensors.TensorPrimitives.Add(values, factors, values);
        System.Numerics.Tensors.TensorPrimitives.Add(values, 1.0, values);           // 1 + t + t²/3
        System.Numerics.Tensors.TensorPrimitives.Add(factors, 1.0, factors);         // 1 + t
        Span<double> e = r2.Length <= 2048 ? stackalloc double[r2.Length] : new double[r2.Length];
        System.Numerics.Tensors.TensorPrimitives.Subtract(1.0, factors, e);          // −t
        System.Numerics.Tensors.TensorPrimitives.Exp(e, e);
        System.Numerics.Tensors.TensorPrimitives.Multiply(values, e, values);
        System.Numerics.Tensors.TensorPrimitives.Multiply(factors, e, factors);
        System.Numerics.Tensors.TensorPrimitives.Multiply(factors, 5.0 / 3.0, factors);
    }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    protected override void ValuesFromSquaredDistances(Span<double> r2)
    {
        if (Nu != 2.5) base.ValuesFromSquaredDistances(r2);
        else if (Vector512.IsHardwareAccelerated) FiveHalvesValues(r2);
        else ValuesByPasses(r2);
    }

    /// <summary>ν = 5/2 k(r²) in place on 512-bit vectors.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static unsafe void FiveHalvesValues(Span<double> r2)
    {
        // ν = 5/2: t = √(5r²); k = (1 + t + t²/3)·exp(−t), in place, one pass of 512-bit vectors (the tail padded), each
        // lane the same operations in the same order as the passes.
        fixed (double* rp = r2)
        {
            int n = r2.Length, j = 0;
            for (; j <= n - 8; j += 8) Values52(Vector512.Load(rp + j)).Store(rp + j);
            if (j < n)
            {
                double* pad = stackalloc double[8];
                for (int q = 0; q < 8; q++) pad[q] = j + q < n ? rp[j + q] : 0;
                Values52(Vector512.Load(pad)).Store(pad);
                for (int q = 0; j + q < n; q++) rp[j + q] = pad[q];
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<double> Values52(Vector512<double> r2)
    {
        var t2 = r2 * Vector512.Create(5.0);
        var t = Vector512.Sqrt(t2);
        return (Vector512.Create(1.0) + t + t2 / Vector512.Create(3.0)) * Vector512.Exp(-t);
    }

    /// <summary>ν = 5/2 values by whole-row passes (where 512-bit vectors are not accelerated).</summary>
    internal static void ValuesByPasses(Span<double> r2)
    {
        Span<double> e = r2.Length <= 4096 ? stackalloc double[r2.Length] : new double[r2.Length];
        System.Numerics.Tensors.TensorPrimitives.Multiply(r2, 5.0, r2);
        System.Numerics.Tensors.TensorPrimitives.Sqrt(r2, e);
        for (int i = 0; i < r2.Length; i++) { double t2 = r2[i]; r2[i] = 1 + e[i] + t2 / 3.0; e[i] = -e[i]; }
        System.Numerics.Tensors.TensorPrimitives.Exp(e, e);
        System.Numerics.Tensors.TensorPrimitives.Multiply(r2, e, r2);
    }
}
