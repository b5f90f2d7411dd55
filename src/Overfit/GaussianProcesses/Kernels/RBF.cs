namespace Overfit.GaussianProcesses;

/// <summary>Squared exponential k = exp(−r²/2) (scikit-learn's RBF; scale it with a ConstantKernel for s²).</summary>
public sealed class RBF : StationaryKernel
{
    /// <summary>Isotropic RBF kernel (like sklearn.gaussian_process.kernels.RBF).</summary>
    /// <param name="lengthScale">Length scale l &gt; 0 (default 1).</param>
    /// <param name="lower">Lower bound of l for fitting.</param>
    /// <param name="upper">Upper bound of l for fitting.</param>
    /// <param name="isFixed">Keep l out of the fit.</param>
    /// <param name="prior">Optional prior on l.</param>
    /// <exception cref="ArgumentOutOfRangeException">l is not positive and finite, or the bounds are not 0 &lt; lower ≤ upper.</exception>
    public RBF(double lengthScale = 1.0, double lower = 1e-5, double upper = 1e5, bool isFixed = false, Prior? prior = null)
        : base(MakeLengthScale([lengthScale], lower, upper, isFixed, prior)) { }

    /// <summary>ARD: one length scale per input dimension.</summary>
    public RBF(double[] lengthScale, double lower = 1e-5, double upper = 1e5, bool isFixed = false, Prior? prior = null)
        : base(MakeLengthScale(lengthScale, lower, upper, isFixed, prior)) { }

    private RBF(Hyperparameter h) : base(h) { }

    internal override StationaryKernel WithLengthScale(double[] lengthScale, double lower, double upper, Prior? prior) =>
        new RBF(MakeLengthScale(lengthScale, lower, upper, isFixed: false, prior));

    /// <inheritdoc/>
    public override Kernel Clone() => new RBF(LengthScaleParameter.CloneDeep());

    /// <inheritdoc/>
    protected override double ValueFromSquaredDistance(double r2) => Math.Exp(-0.5 * r2);

    /// <inheritdoc/>
    protected override double GradientFactor(double r2) => Math.Exp(-0.5 * r2);

    /// <inheritdoc/>
    protected override void ValuesAndGradientFactors(ReadOnlySpan<double> r2, Span<double> values, Span<double> factors)
    {
        System.Numerics.Tensors.TensorPrimitives.Multiply(r2, -0.5, values);
        System.Numerics.Tensors.TensorPrimitives.Exp(values, values);
        values.CopyTo(factors);
    }

    /// <inheritdoc/>
    protected override void ValuesFromSquaredDistances(Span<double> r2)
    {
        System.Numerics.Tensors.TensorPrimitives.Multiply(r2, -0.5, r2);
        System.Numerics.Tensors.TensorPrimitives.Exp(r2, r2);
    }
}
