using Overfit.Tensors;

namespace Overfit.GaussianProcesses;

/// <summary>
/// Covariance function k(x, x') on Float64 row-major inputs (n×d). Hyperparameters live in log space in
/// <see cref="Theta"/> (free ones only, in scikit-learn's order); gradients of K are taken with respect to theta.
/// The span-based members are the fast path used by regression and Bayesian optimization; the array and
/// tensor members are conveniences for users.
/// </summary>
public abstract partial class Kernel
{
    /// <summary>All hyperparameters, fixed ones included, in scikit-learn's order.</summary>
    public abstract IReadOnlyList<Hyperparameter> Hyperparameters { get; }

    /// <summary>Deep copy with independent hyperparameter storage.</summary>
    public abstract Kernel Clone();

    /// <summary>Writes K(X, Y) (n×m) into <paramref name="k"/>. For white noise, K(X, Y) is zero even when X and Y coincide.</summary>
    public abstract void Evaluate(ReadOnlySpan<double> x, int n, ReadOnlySpan<double> y, int m, int d, Span<double> k);

    /// <summary>Writes K(X) (n×n, noise terms on the diagonal) into <paramref name="k"/>.</summary>
    public abstract void EvaluateSymmetric(ReadOnlySpan<double> x, int n, int d, Span<double> k);

    /// <summary>
    /// Writes the lower triangle (j ≤ i, diagonal included) of K(X) into <paramref name="k"/>; the strict upper triangle
    /// is unspecified. The Cholesky of the marginal likelihood reads only this half. The default builds all of K.
    /// </summary>
    internal virtual void EvaluateLowerTriangle(ReadOnlySpan<double> x, int n, int d, Span<double> k) => EvaluateSymmetric(x, n, d, k);

    /// <summary>Writes diag K(X) (n values).</summary>
    public abstract void Diagonal(ReadOnlySpan<double> x, int n, int d, Span<double> diag);

    /// <summary>Writes dK(X)/dθ_t for every free θ_t, as n_theta consecutive n×n blocks.</summary>
    public abstract void HyperparameterGradients(ReadOnlySpan<double> x, int n, int d, Span<double> grads);

    /// <summary>
    /// Adds Σ_ij W_ij ∂K_ij/∂θ_t to grad[t] for a symmetric weight matrix W (n×n) without materializing the
    /// n×n×n_theta gradient tensor. This is what the marginal-likelihood gradient needs:
    /// W = ½(ααᵀ − K⁻¹). The default materializes; stationary kernels override with fused loops.
    /// </summary>
    public virtual void ContractHyperparameterGradients(ReadOnlySpan<double> x, int n, int d, ReadOnlySpan<double> w, Span<double> grad)
    {
        int p = ThetaCount;
        if (p == 0) return;
        int block = ExactInference.Elements(n, n, nameof(x));
        var g = new double[ExactInference.Elements((long)p * n, n, nameof(x))];
        HyperparameterGradients(x, n, d, g);
        for (int t = 0; t < p; t++)
        {
            var gt = new ReadOnlySpan<double>(g, t * block, block);
            double s = 0;
            for (int i = 0; i < gt.Length; i++) s += w[i] * gt[i];
            grad[t] += s;
        }
    }

    /// <summary>
    /// Returns Σ_ij W_ij K_ij and adds Σ_ij W_ij ∂K_ij/∂θ_t to grad[t] (W symmetric). Products with a constant
    /// factor need both, and stationary kernels produce both from one pass over the pairs.
    /// </summary>
    public virtual double ContractValueAndGradients(ReadOnlySpan<double> x, int n, int d, ReadOnlySpan<double> w, Span<double> grad)
    {
        var k = new double[ExactInference.Elements(n, n, nameof(x))];
        EvaluateSymmetric(x, n, d, k);
        double v = System.Numerics.Tensors.TensorPrimitives.Dot(k, w[..k.Length]);
        ContractHyperparameterGradients(x, n, d, w, grad);
        return v;
    }

    /// <summary>Whether <see cref="ContractLowerWeights"/> is implemented (by every part of a composite).</summary>
    internal virtual bool SupportsLowerWeights => false;

    /// <summary>
    /// <see cref="ContractValueAndGradients"/> for the marginal-likelihood weights W = ½(ααᵀ − K⁻¹) given as K⁻¹'s lower
    /// triangle and α, never formed as a matrix: the weights are made pair by pair inside the kernel's own loop.
    /// </summary>
    internal virtual double ContractLowerWeights(ReadOnlySpan<double> x, int n, int d, LowerWeights w, Span<double> grad)
        => throw new NotSupportedException($"{GetType().Name} has no lower-triangle contraction; check SupportsLowerWeights first");

    /// <summary>Writes ∂k(x, y_j)/∂x for one point x (d) against Y (m×d) into an m×d block.</summary>
    public abstract void InputGradient(ReadOnlySpan<double> x, ReadOnlySpan<double> y, int m, int d, Span<double> grad);

    /// <summary>Whether the kernel depends only on x − x' (then Diag is constant).</summary>
    public virtual bool IsStationary => false;

    /// <summary>Number of free (non-fixed) log-hyperparameters.</summary>
    public int ThetaCount
    {
        get
        {
            int c = 0;
            foreach (var h in Hyperparameters) if (!h.IsFixed) c += h.Count;
            return c;
        }
    }

    /// <summary>Log of the free hyperparameter values; setting it writes the exponentials back.</summary>
    public double[] Theta
    {
        get
        {
            var t = new double[ThetaCount];
            int o = 0;
            foreach (var h in Hyperparameters)
                if (!h.IsFixed)
                    foreach (double v in h.Values) t[o++] = Math.Log(v);
            return t;
        }
        set
        {
            ArgumentNullException.ThrowIfNull(value);
            if (value.Length != ThetaCount)
                throw new ArgumentException($"theta must have {ThetaCount} entries (free log-hyperparameters), got {value.Length}", nameof(value));
            foreach (double v in value)
                if (double.IsNaN(v)) throw new ArgumentException("theta contains NaN", nameof(value));
            int o = 0;
            foreach (var h in Hyperparameters)
                if (!h.IsFixed)
                    for (int i = 0; i < h.Count; i++) h.Values[i] = Math.Exp(value[o++]);
        }
    }

    /// <summary>Log-space bounds of the free hyperparameters, n_theta × 2 (lower, upper).</summary>
    public double[,] Bounds
    {
        get
        {
            var b = new double[ThetaCount, 2];
            int o = 0;
            foreach (var h in Hyperparameters)
                if (!h.IsFixed)
                    for (int i = 0; i < h.Count; i++) { b[o, 0] = Math.Log(h.Lower); b[o, 1] = Math.Log(h.Upper); o++; }
            return b;
        }
    }

    /// <summary>Names of the theta entries (ARD entries get an index suffix).</summary>
    public string[] ThetaNames
    {
        get
        {
            var names = new List<string>();
            foreach (var h in Hyperparameters)
                if (!h.IsFixed)
                    for (int i = 0; i < h.Count; i++) names.Add(h.Count == 1 ? h.Name : $"{h.Name}[{i}]");
            return names.ToArray();
        }
    }

    /// <summary>Sum of the log prior densities of the free hyperparameters (0 without priors).</summary>
    public double LogPrior()
    {
        double s = 0;
        foreach (var h in Hyperparameters)
            if (!h.IsFixed && h.Prior is { } p)
                foreach (double v in h.Values) s += p.LogDensity(v);
        return s;
    }

    /// <summary>Gradient of <see cref="LogPrior"/> with respect to theta.</summary>
    public double[] LogPriorGradient()
    {
        var g = new double[ThetaCount];
        int o = 0;
        foreach (var h in Hyperparameters)
        {
            if (h.IsFixed) continue;
            foreach (double v in h.Values) g[o++] = h.Prior?.LogDensityGradientLog(v) ?? 0;
        }
        return g;
    }

    /// <summary>True when a free hyperparameter has a prior (Fit then maximizes the log posterior).</summary>
    public bool HasPriors => Hyperparameters.Any(h => !h.IsFixed && h.Prior is not null);

    /// <summary>Sum kernel k₁ + k₂ (scikit-learn's operator +).</summary>
    public static Kernel operator +(Kernel a, Kernel b) => new SumKernel(a, b);
    /// <summary>Product kernel k₁ · k₂ (scikit-learn's operator *).</summary>
    public static Kernel operator *(Kernel a, Kernel b) => new ProductKernel(a, b);
    /// <summary>ConstantKernel(a) + b.</summary>
    public static Kernel operator +(double a, Kernel b) => new SumKernel(new ConstantKernel(a), b);
    /// <summary>a + ConstantKernel(b).</summary>
    public static Kernel operator +(Kernel a, double b) => new SumKernel(a, new ConstantKernel(b));
    /// <summary>ConstantKernel(a) · b, e.g. a scaled RBF.</summary>
    public static Kernel operator *(double a, Kernel b) => new ProductKernel(new ConstantKernel(a), b);
    /// <summary>a · ConstantKernel(b).</summary>
    public static Kernel operator *(Kernel a, double b) => new ProductKernel(a, new ConstantKernel(b));

    /// <inheritdoc/>
    public override string ToString() => $"{GetType().Name}({string.Join(", ", Hyperparameters)})";
}

/// <summary>
/// W = ½(ααᵀ − C) represented by the lower triangle of C = K⁻¹ (n×n row-major, upper part ignored) and α (n):
/// W_ij = ½(α_i α_j − C_ij) for j ≤ i, symmetric.
/// </summary>
internal readonly record struct LowerWeights(double[] Inverse, double[] Alpha, int N)
{
    /// <summary>Σ_ij W_ij over the whole symmetric matrix.</summary>
    public double Sum()
    {
        double sa = 0, sc = 0;
        for (int i = 0; i < N; i++)
        {
            sa += Alpha[i];
            sc += Inverse[i * N + i] + 2 * System.Numerics.Tensors.TensorPrimitives.Sum(new ReadOnlySpan<double>(Inverse, i * N, i));
        }
        return 0.5 * (sa * sa - sc);
    }

    /// <summary>tr W.</summary>
    public double Trace()
    {
        double t = 0;
        for (int i = 0; i < N; i++) t += 0.5 * (Alpha[i] * Alpha[i] - Inverse[i * N + i]);
        return t;
    }
}

