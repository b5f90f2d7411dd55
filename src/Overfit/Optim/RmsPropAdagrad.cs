using System.Numerics;
using Overfit.Tensors;

namespace Overfit.Optim;

/// <summary>
/// RMSprop (PyTorch semantics): d = g + wd·θ; s = αs + (1−α)d²; centered subtracts the squared
/// running mean of d; avg = √s + ε; with momentum b = μb + d/avg and θ −= lr·b, else θ −= lr·d/avg.
/// </summary>
public sealed class RMSprop : Optimizer
{
    public RMSprop(IEnumerable<Tensor> parameters, double lr = 1e-2, double alpha = 0.99, double eps = 1e-8, double weightDecay = 0, double momentum = 0, bool centered = false)
        : this(OneGroup(parameters), lr, alpha, eps, weightDecay, momentum, centered) { }

    public RMSprop(IEnumerable<ParameterGroup> groups, double lr = 1e-2, double alpha = 0.99, double eps = 1e-8, double weightDecay = 0, double momentum = 0, bool centered = false)
        : base(groups, lr, weightDecay)
    {
        CheckNonNegative(alpha, nameof(alpha));
        CheckNonNegative(eps, nameof(eps));
        CheckNonNegative(momentum, nameof(momentum));
        Alpha = alpha; Eps = eps; Momentum = momentum; Centered = centered;
    }

    public double Alpha { get; }

    public double Eps { get; }

    public double Momentum { get; }

    public bool Centered { get; }

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
    public Adagrad(IEnumerable<Tensor> parameters, double lr = 1e-2, double lrDecay = 0, double weightDecay = 0, double initialAccumulatorValue = 0, double eps = 1e-10)
        : this(OneGroup(parameters), lr, lrDecay, weightDecay, initialAccumulatorValue, eps) { }

    public Adagrad(IEnumerable<ParameterGroup> groups, double lr = 1e-2, double lrDecay = 0, double weightDecay = 0, double initialAccumulatorValue = 0, double eps = 1e-10)
        : base(groups, lr, weightDecay)
    {
        CheckNonNegative(lrDecay, nameof(lrDecay));
        CheckNonNegative(initialAccumulatorValue, nameof(initialAccumulatorValue));
        CheckNonNegative(eps, nameof(eps));
        LrDecay = lrDecay; InitialAccumulatorValue = initialAccumulatorValue; Eps = eps;
    }

    public double LrDecay { get; }

    public double InitialAccumulatorValue { get; }

    public double Eps { get; }

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
