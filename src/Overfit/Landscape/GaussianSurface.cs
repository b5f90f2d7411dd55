using Overfit.NN;
using Overfit.Optim;
using Overfit.Tensors;

namespace Overfit.Landscape;

/// <summary>
/// The chapter's fitted loss surface z = −A·exp(−((x − x0)²/(2σx²) + (y − y0)²/(2σy²))) + offset as a differentiable
/// model whose only parameter is the position w = (x, y), so any optimizer can walk on it: <see cref="Loss"/> is the
/// surface's value at w. <see cref="Module.Forward"/> evaluates the surface at points [N, 2].
/// </summary>
public sealed class GaussianSurface : Module
{
    /// <param name="popt">A, x0, y0, σx, σy, as fitted by <see cref="Fit"/>.</param>
    /// <param name="offset">The additive constant (the fit holds it at the surface's maximum).</param>
    /// <param name="start">The initial position (default the origin).</param>
    /// <param name="dtype">Dtype of the position parameter (default Float32).</param>
    public GaussianSurface(double[] popt, double offset, double[]? start = null, DType dtype = DType.Float32)
    {
        ArgumentNullException.ThrowIfNull(popt);
        if (popt.Length != 5) throw new ArgumentException($"popt must hold A, x0, y0, sigmaX, sigmaY (5 values), got {popt.Length}", nameof(popt));
        if (popt[3] == 0 || popt[4] == 0) throw new ArgumentException($"popt's sigmaX and sigmaY must be non-zero, got {popt[3]} and {popt[4]}", nameof(popt));
        start ??= [0, 0];
        if (start.Length != 2) throw new ArgumentException($"start must be a 2-D point, got {start.Length} values", nameof(start));
        Popt = (double[])popt.Clone();
        Offset = offset;
        var w = Tensor.FromArray(start, [2]).To(dtype).Detach();
        w.RequiresGrad = true;
        RegisterParameter("w", w);
    }

    /// <summary>A, x0, y0, σx, σy.</summary>
    public double[] Popt { get; }

    /// <summary>The additive constant of the surface.</summary>
    public double Offset { get; }

    /// <summary>The current position (the model's parameter).</summary>
    public Tensor Position => GetParameter("w")!;

    /// <summary>The surface's value at the current position, differentiable in it.</summary>
    public Tensor Loss() => ForwardCore(Position.Reshape(1, 2)).Reshape();

    /// <summary>The surface at a point, in Float64.</summary>
    public double Value(double x, double y) => Evaluate(Popt, Offset, x, y);

    /// <summary>The chapter's gaussian_func at (x, y).</summary>
    public static double Evaluate(double[] popt, double offset, double x, double y)
    {
        double dx = x - popt[1], dy = y - popt[2];
        return -popt[0] * Math.Exp(-(dx * dx / (2 * popt[3] * popt[3]) + dy * dy / (2 * popt[4] * popt[4]))) + offset;
    }

    /// <summary>Evaluates the surface at points [N, 2], giving [N].</summary>
    /// <exception cref="ArgumentException"><paramref name="input"/> is not of shape [N, 2].</exception>
    protected override Tensor ForwardCore(Tensor input)
    {
        if (input.Rank != 2 || input.ShapeSpan[1] != 2)
            throw new ArgumentException($"GaussianSurface: points must be [N, 2], got {ShapeUtil.Format(input.ShapeSpan)}", nameof(input));
        var dx = input.Select(1, 0).Sub(Popt[1]);
        var dy = input.Select(1, 1).Sub(Popt[2]);
        var exponent = dx.Mul(dx).Div(2 * Popt[3] * Popt[3]).Add(dy.Mul(dy).Div(2 * Popt[4] * Popt[4]));
        return exponent.Neg().Exp().Mul(-Popt[0]).Add(Offset);
    }

    /// <summary>
    /// The chapter's get_opt_params: fits A, x0, y0, σx, σy to z(x, y) by <see cref="CurveFit"/> (initial guess all
    /// ones, SciPy's default) with the offset held at max(z). Returns popt, its covariance and the offset.
    /// </summary>
    public static (CurveFitResult Fit, double Offset) Fit(double[] x, double[] y, double[] z, double[]? p0 = null)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        ArgumentNullException.ThrowIfNull(z);
        if (x.Length != z.Length || y.Length != z.Length)
            throw new ArgumentException($"x, y and z need the same length, got {x.Length}, {y.Length} and {z.Length}", nameof(z));
        double offset = z.Max();
        var points = Enumerable.Range(0, x.Length).Select(i => new[] { x[i], y[i] }).ToArray();
        var fit = CurveFit.Fit((p, q) => Evaluate(p, offset, q[0], q[1]), points, z, p0, parameterCount: 5, jacobian: (p, q) => Jacobian(p, q[0], q[1]));
        return (fit, offset);
    }

    private static double[] Jacobian(double[] p, double x, double y)
    {
        double dx = x - p[1], dy = y - p[2], sx2 = p[3] * p[3], sy2 = p[4] * p[4];
        double e = Math.Exp(-(dx * dx / (2 * sx2) + dy * dy / (2 * sy2)));
        double ae = p[0] * e;
        return [-e, -ae * dx / sx2, -ae * dy / sy2, -ae * dx * dx / (sx2 * p[3]), -ae * dy * dy / (sy2 * p[4])];
    }
}

/// <summary>Where an optimizer run on a surface started and ended: the loss before the first and the last step, and the positions after them.</summary>
public sealed record SurfaceTrajectory(double WeightDecay, double FirstLoss, double[] FirstPosition, double FinalLoss, double[] FinalPosition, double[][] Path);

/// <summary>The chapter's train_loss_surface: an optimizer walking on a <see cref="GaussianSurface"/>.</summary>
public static class SurfaceTrajectories
{
    /// <summary>
    /// Runs <paramref name="iterations"/> steps of the optimizer made by <paramref name="optimizer"/> from
    /// <paramref name="start"/>; each step evaluates the loss, backpropagates and steps. The path holds the start and
    /// every position after a step.
    /// </summary>
    public static SurfaceTrajectory Run(double[] popt, double offset, Func<IEnumerable<Tensor>, Optimizer> optimizer, double[] start, int iterations,
        double weightDecay = 0, DType dtype = DType.Float32)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        if (iterations < 1) throw new ArgumentOutOfRangeException(nameof(iterations), $"iterations must be at least 1, got {iterations}");
        var surface = new GaussianSurface(popt, offset, start, dtype);
        var opt = optimizer(surface.Parameters());
        var path = new List<double[]> { surface.Position.ToDoubleArray() };
        double first = double.NaN, last = double.NaN;
        for (int it = 0; it < iterations; it++)
        {
            opt.ZeroGrad();
            var loss = surface.Loss();
            loss.Backward();
            opt.Step();
            last = loss.Item();
            if (it == 0) first = last;
            path.Add(surface.Position.ToDoubleArray());
        }
        return new SurfaceTrajectory(weightDecay, first, path[1], last, path[^1], [.. path]);
    }

    /// <summary>The chapter's weight-decay experiment: SGD with momentum, one run per weight decay.</summary>
    public static SurfaceTrajectory[] WeightDecaySweep(double[] popt, double offset, double[] weightDecays, double lr = 0.1, double momentum = 0.7,
        int iterations = 200, double[]? start = null)
    {
        ArgumentNullException.ThrowIfNull(weightDecays);
        start ??= [-1, 1];
        return weightDecays.Select(wd => Run(popt, offset, ps => new SGD(ps, lr: lr, momentum: momentum, weightDecay: wd), start, iterations, wd)).ToArray();
    }
}
