using System.Numerics;
using Overfit.Tensors;

namespace Overfit.Optim;

/// <summary>
/// RMSprop (PyTorch semantics): d = g + wd·θ; s = αs + (1−α)d²; centered subtracts the squared
/// running mean of d; avg = √s + ε; with momentum b = μb + d/avg and θ −= lr·b, else θ −= lr·d/avg.
/// </summary>
public sealed class RMSprop : Optimizer
{
    /// <summary>RMSprop over one group of parameters (like torch.optim.RMSprop; default lr 1e-2, alpha 0.99).</summary>
    /// <exception cref="ArgumentOutOfRangeException">lr, alpha, eps, weightDecay or momentum is negative.</exception>
    /// <exception cref="ArgumentException">The parameter list is empty or holds a tensor that is not a trainable contiguous leaf.</exception>
    public RMSprop(IEnumerable<Tensor> parameters, double lr = 1e-2, double alpha = 0.99, double eps = 1e-8, double weightDecay = 0, double momentum = 0, bool centered = false)
        : this(OneGroup(parameters), lr, alpha, eps, weightDecay, momentum, centered) { }

    /// <summary>RMSprop over parameter groups with per-group learning rates and weight decays.</summary>
    /// <exception cref="ArgumentOutOfRangeException">lr, alpha, eps, weightDecay or momentum is negative.</exception>
    /// <exception cref="ArgumentException">No parameters, or a tensor that is not a trainable contiguous leaf, or one listed twice.</exception>
    public RMSprop(IEnumerable<ParameterGroup> groups, double lr = 1e-2, double alpha = 0.99, double eps = 1e-8, double weightDecay = 0, double momentum = 0, bool centered = false)
        : base(groups, lr, weightDecay)
    {
        CheckNonNegative(alpha, nameof(alpha));
        CheckNonNegative(eps, nameof(eps));
        CheckNonNegative(momentum, nameof(momentum));
        Alpha = alpha; Eps = eps; Momentum = momentum; Centered = centered;
    }

    /// <summary>Smoothing constant α of the squared-gradient average.</summary>
    public double Alpha { get; }

    /// <summary>Term ε added to the denominator.</summary>
    public double Eps { get; }

    /// <summary>Momentum factor μ (0: none).</summary>
    public double Momentum { get; }

    /// <summary>Whether the gradient is normalized by an estimate of its variance (centered RMSprop).</summary>
    public bool Centered { get; }

    /// <inheritdoc/>
    protected override void Update<T>(ParameterGroup group, Span<T> param, ReadOnlySpan<T> grad, Dictionary<string, Tensor> state, Tensor parameter)
    {
        IncrementStep(state);
        var sq = Buffer<T>(state, "square_avg", parameter);
        var ga = Centered ? Buffer<T>(state, "grad_avg", parameter) : default;
        var buf = Momentum > 0 ? Buffer<T>(state, "momentum_buffer", parameter) : default;
        T a = T.CreateTruncating(Alpha), c = T.CreateTruncating(1 - Alpha), eps = T.CreateTruncating(Eps);
        T lr = T.CreateTruncating(group.Lr), wd = T.CreateTruncating(group.WeightDecay), mu = T.CreateTruncating(Momentum);
        for (int i = 0; i < param.Length; i++)
        {
            T d = grad[i] + wd * param[i];
            sq[i] = a * sq[i] + c * d * d;
            T avg;
            if (Centered)
            {
                ga[i] = a * ga[i] + c * d;
                avg = T.Sqrt(sq[i] - ga[i] * ga[i]) + eps;
            }
            else avg = T.Sqrt(sq[i]) + eps;
            if (Momentum > 0)
            {
                buf[i] = mu * buf[i] + d / avg;
                param[i] -= lr * buf[i];
            }
            else param[i] -= lr * (d / avg);
        }
    }
}

/// <summary>
/// Adagrad (PyTorch semantics): d = g + wd·θ; clr = lr/(1 + (t−1)·lrDecay); s += d²; θ −= clr·d/(√s + ε).
/// </summary>
public sealed class Adagrad : Optimizer
{
    /// <summary>Adagrad over one group of parameters (like torch.optim.Adagrad; default lr 1e-2, eps 1e-10).</summary>
    /// <exception cref="ArgumentOutOfRangeException">lr, lrDecay, weightDecay, initialAccumulatorValue or eps is negative.</exception>
    /// <exception cref="ArgumentException">The parameter list is empty or holds a tensor that is not a trainable contiguous leaf.</exception>
    public Adagrad(IEnumerable<Tensor> parameters, double lr = 1e-2, double lrDecay = 0, double weightDecay = 0, double initialAccumulatorValue = 0, double eps = 1e-10)
        : this(OneGroup(parameters), lr, lrDecay, weightDecay, initialAccumulatorValue, eps) { }

    /// <summary>Adagrad over parameter groups with per-group learning rates and weight decays.</summary>
    /// <exception cref="ArgumentOutOfRangeException">lr, lrDecay, weightDecay, initialAccumulatorValue or eps is negative.</exception>
    /// <exception cref="ArgumentException">No parameters, or a tensor that is not a trainable contiguous leaf, or one listed twice.</exception>
    public Adagrad(IEnumerable<ParameterGroup> groups, double lr = 1e-2, double lrDecay = 0, double weightDecay = 0, double initialAccumulatorValue = 0, double eps = 1e-10)
        : base(groups, lr, weightDecay)
    {
        CheckNonNegative(lrDecay, nameof(lrDecay));
        CheckNonNegative(initialAccumulatorValue, nameof(initialAccumulatorValue));
        CheckNonNegative(eps, nameof(eps));
        LrDecay = lrDecay; InitialAccumulatorValue = initialAccumulatorValue; Eps = eps;
    }

    /// <summary>Learning-rate decay per step: the effective rate is lr/(1 + (t−1)·lrDecay).</summary>
    public double LrDecay { get; }

    /// <summary>Starting value of the squared-gradient sum.</summary>
    public double InitialAccumulatorValue { get; }

    /// <summary>Term ε added to the denominator.</summary>
    public double Eps { get; }

    /// <inheritdoc/>
    protected override void Update<T>(ParameterGroup group, Span<T> param, ReadOnlySpan<T> grad, Dictionary<string, Tensor> state, Tensor parameter)
    {
        int t = IncrementStep(state);
        var sum = Buffer<T>(state, "sum", parameter, InitialAccumulatorValue);
        T clr = T.CreateTruncating(group.Lr / (1 + (t - 1) * LrDecay));
        T wd = T.CreateTruncating(group.WeightDecay), eps = T.CreateTruncating(Eps);
        for (int i = 0; i < param.Length; i++)
        {
            T d = grad[i] + wd * param[i];
            sum[i] += d * d;
            param[i] -= clr * (d / (T.Sqrt(sum[i]) + eps));
        }
    }
}
