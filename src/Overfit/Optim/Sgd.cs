using System.Numerics;
using Overfit.Tensors;

namespace Overfit.Optim;

/// <summary>
/// Stochastic gradient descent (PyTorch's SGD): d = g + wd·θ (coupled decay); with momentum μ,
/// b₁ = d, bₜ = μ·bₜ₋₁ + (1 − dampening)·d, and d = d + μ·bₜ (Nesterov) or d = bₜ; θ −= lr·d.
/// </summary>
public sealed partial class SGD : Optimizer
{
    /// <summary>SGD over one group of parameters (like torch.optim.SGD; default lr 1e-3, no momentum).</summary>
    /// <exception cref="ArgumentOutOfRangeException">lr, momentum, dampening or weightDecay is negative.</exception>
    /// <exception cref="ArgumentException">Nesterov without momentum &gt; 0 and dampening 0, or a parameter that is not a trainable contiguous leaf.</exception>
    public SGD(IEnumerable<Tensor> parameters, double lr = 1e-3, double momentum = 0, double dampening = 0, double weightDecay = 0, bool nesterov = false)
        : this(OneGroup(parameters), lr, momentum, dampening, weightDecay, nesterov) { }

    /// <summary>SGD over parameter groups with per-group learning rates and weight decays.</summary>
    /// <exception cref="ArgumentOutOfRangeException">lr, momentum, dampening or weightDecay is negative.</exception>
    /// <exception cref="ArgumentException">Nesterov without momentum &gt; 0 and dampening 0, or invalid parameter groups.</exception>
    public SGD(IEnumerable<ParameterGroup> groups, double lr = 1e-3, double momentum = 0, double dampening = 0, double weightDecay = 0, bool nesterov = false)
        : base(groups, lr, weightDecay)
    {
        CheckNonNegative(momentum, nameof(momentum));
        CheckNonNegative(dampening, nameof(dampening));
        if (nesterov && (momentum <= 0 || dampening != 0))
            throw new ArgumentException($"nesterov momentum requires momentum > 0 and dampening = 0, got momentum = {momentum}, dampening = {dampening}", nameof(nesterov));
        Momentum = momentum;
        Dampening = dampening;
        Nesterov = nesterov;
    }

    /// <summary>Momentum factor μ (0: plain SGD).</summary>
    public double Momentum { get; }

    /// <summary>Dampening of the momentum update (PyTorch's dampening).</summary>
    public double Dampening { get; }

    /// <summary>Whether Nesterov momentum is used.</summary>
    public bool Nesterov { get; }

    /// <inheritdoc/>
    protected override void Update<T>(ParameterGroup group, Span<T> param, ReadOnlySpan<T> grad, Dictionary<string, Tensor> state, Tensor parameter)
    {
        bool first = !state.ContainsKey("momentum_buffer");
        var buffer = Momentum != 0 ? Buffer<T>(state, "momentum_buffer", parameter) : default;
        SgdUpdate(param, grad, buffer, new SgdScalars<T>(T.CreateTruncating(group.Lr), T.CreateTruncating(group.WeightDecay),
            T.CreateTruncating(Momentum), T.CreateTruncating(1 - Dampening), group.WeightDecay != 0, Momentum != 0, first, Nesterov));
    }
}
