using Overfit.Tensors;

namespace Overfit.Optim;

/// <summary>
/// Adam (PyTorch semantics): d = g + wd·θ (coupled); m = β₁m + (1−β₁)d; v = β₂v + (1−β₂)d²;
/// θ −= lr/(1−β₁ᵗ) · m / (√v̂/√(1−β₂ᵗ) + ε), with v̂ = v or its running maximum (AMSGrad).
/// One fused SIMD pass per parameter.
/// </summary>
public partial class Adam : Optimizer
{
    /// <summary>Adam over one group of parameters (like torch.optim.Adam); defaults as in PyTorch.</summary>
    /// <param name="parameters">Leaf tensors with RequiresGrad = true.</param>
    /// <param name="lr">Learning rate (default 1e-3).</param>
    /// <param name="beta1">Decay of the first-moment average, in [0, 1) (default 0.9).</param>
    /// <param name="beta2">Decay of the second-moment average, in [0, 1) (default 0.999).</param>
    /// <param name="eps">Added to the denominator (default 1e-8).</param>
    /// <param name="weightDecay">L2 penalty added to the gradient (default 0).</param>
    /// <param name="amsgrad">Use the running maximum of the second moment (AMSGrad).</param>
    /// <exception cref="ArgumentOutOfRangeException">A beta is outside [0, 1) or lr, eps or weightDecay is negative.</exception>
    /// <exception cref="ArgumentException">The parameter list is empty or holds a tensor that is not a trainable contiguous leaf.</exception>
    public Adam(IEnumerable<Tensor> parameters, double lr = 1e-3, double beta1 = 0.9, double beta2 = 0.999, double eps = 1e-8, double weightDecay = 0, bool amsgrad = false)
        : this(OneGroup(parameters), lr, beta1, beta2, eps, weightDecay, amsgrad) { }

    /// <summary>Adam over parameter groups with per-group learning rates and weight decays.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A beta is outside [0, 1) or lr, eps or weightDecay is negative.</exception>
    /// <exception cref="ArgumentException">No parameters, or a tensor that is not a trainable contiguous leaf, or one listed twice.</exception>
    public Adam(IEnumerable<ParameterGroup> groups, double lr = 1e-3, double beta1 = 0.9, double beta2 = 0.999, double eps = 1e-8, double weightDecay = 0, bool amsgrad = false)
        : this(groups, lr, beta1, beta2, eps, weightDecay, amsgrad, decoupled: false) { }

    private protected Adam(IEnumerable<ParameterGroup> groups, double lr, double beta1, double beta2, double eps, double weightDecay, bool amsgrad, bool decoupled)
        : base(groups, lr, weightDecay)
    {
        if (!(beta1 >= 0 && beta1 < 1)) throw new ArgumentOutOfRangeException(nameof(beta1), $"beta1 must be in [0, 1), got {beta1}");
        if (!(beta2 >= 0 && beta2 < 1)) throw new ArgumentOutOfRangeException(nameof(beta2), $"beta2 must be in [0, 1), got {beta2}");
        CheckNonNegative(eps, nameof(eps));
        Beta1 = beta1;
        Beta2 = beta2;
        Eps = eps;
        Amsgrad = amsgrad;
        Decoupled = decoupled;
    }

    /// <summary>Decay rate β₁ of the first-moment average.</summary>
    public double Beta1 { get; }

    /// <summary>Decay rate β₂ of the second-moment average.</summary>
    public double Beta2 { get; }

    /// <summary>Term ε added to the denominator for numerical stability.</summary>
    public double Eps { get; }

    /// <summary>Whether the AMSGrad variant (running maximum of v) is used.</summary>
    public bool Amsgrad { get; }

    /// <summary>True for AdamW: weight decay shrinks θ directly instead of entering the gradient.</summary>
    public bool Decoupled { get; }

    /// <inheritdoc/>
    protected override void Update<T>(ParameterGroup group, Span<T> param, ReadOnlySpan<T> grad, Dictionary<string, Tensor> state, Tensor parameter)
    {
        int t = IncrementStep(state);
        var m = Buffer<T>(state, "exp_avg", parameter);
        var v = Buffer<T>(state, "exp_avg_sq", parameter);
        var vmax = Amsgrad ? Buffer<T>(state, "max_exp_avg_sq", parameter) : default;
        double bc1 = 1 - Math.Pow(Beta1, t), bc2Sqrt = Math.Sqrt(1 - Math.Pow(Beta2, t));
        T stepSize = T.CreateTruncating(group.Lr / bc1);
        T b1 = T.CreateTruncating(Beta1), b2 = T.CreateTruncating(Beta2);
        T c1 = T.CreateTruncating(1 - Beta1), c2 = T.CreateTruncating(1 - Beta2);
        T eps = T.CreateTruncating(Eps), bc2 = T.CreateTruncating(bc2Sqrt);
        T coupledWd = T.CreateTruncating(Decoupled ? 0 : group.WeightDecay);
        if (Decoupled && group.WeightDecay != 0)
        {
            T shrink = T.CreateTruncating(1 - group.Lr * group.WeightDecay);
            // One product per element, as the scalar loop did, on the widest vectors.
            System.Numerics.Tensors.TensorPrimitives.Multiply(param, shrink, param);
        }
        if (!Amsgrad)
        {
            AdamUpdate(param, grad, m, v, new AdamScalars<T>(b1, b2, c1, c2, eps, bc2, stepSize, coupledWd));
            return;
        }
        for (int k = 0; k < param.Length; k++)
        {
            T d = CoupledDecay.Apply(grad[k], param[k], coupledWd, coupledWd != T.Zero);
            m[k] = b1 * m[k] + c1 * d;
            v[k] = b2 * v[k] + c2 * d * d;
            T vk = vmax[k] = T.Max(vmax[k], v[k]);
            param[k] -= stepSize * (m[k] / (T.Sqrt(vk) / bc2 + eps));
        }
    }
}

/// <summary>AdamW: Adam with decoupled weight decay, θ *= 1 − lr·wd before the Adam step (default wd 1e-2).</summary>
public sealed class AdamW : Adam
{
    /// <summary>AdamW over one group of parameters (like torch.optim.AdamW; default weight decay 1e-2, decoupled).</summary>
    /// <exception cref="ArgumentOutOfRangeException">A beta is outside [0, 1) or lr, eps or weightDecay is negative.</exception>
    /// <exception cref="ArgumentException">The parameter list is empty or holds a tensor that is not a trainable contiguous leaf.</exception>
    public AdamW(IEnumerable<Tensor> parameters, double lr = 1e-3, double beta1 = 0.9, double beta2 = 0.999, double eps = 1e-8, double weightDecay = 1e-2, bool amsgrad = false)
        : this(OneGroup(parameters), lr, beta1, beta2, eps, weightDecay, amsgrad) { }

    /// <summary>AdamW over parameter groups with per-group learning rates and weight decays.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A beta is outside [0, 1) or lr, eps or weightDecay is negative.</exception>
    /// <exception cref="ArgumentException">No parameters, or a tensor that is not a trainable contiguous leaf, or one listed twice.</exception>
    public AdamW(IEnumerable<ParameterGroup> groups, double lr = 1e-3, double beta1 = 0.9, double beta2 = 0.999, double eps = 1e-8, double weightDecay = 1e-2, bool amsgrad = false)
        : base(groups, lr, beta1, beta2, eps, weightDecay, amsgrad, decoupled: true) { }
}
