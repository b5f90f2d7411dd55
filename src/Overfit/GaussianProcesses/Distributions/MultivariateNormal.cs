using Overfit.Tensors;
using Overfit.Tensors.Kernels;

namespace Overfit.GaussianProcesses;

/// <summary>
/// N(μ, Σ) in Float64 with the closed forms of Gaussian marginals and conditionals:
/// marginal of a subset keeps μ_a and Σ_aa; conditioning on x_b gives
/// μ_a + Σ_ab Σ_bb⁻¹ (x_b − μ_b) and Σ_aa − Σ_ab Σ_bb⁻¹ Σ_ba.
/// </summary>
public sealed class MultivariateNormal
{
    private readonly double[] _mean;
    private readonly double[] _cov;
    private double[]? _chol;
    private double _jitter;

    /// <summary>N(<paramref name="mean"/>, <paramref name="covariance"/>) (like torch.distributions.MultivariateNormal); the arrays are copied.</summary>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException">mean is empty or not finite, or covariance is not a symmetric d×d matrix with a non-negative diagonal.</exception>
    public MultivariateNormal(double[] mean, double[,] covariance)
    {
        ArgumentNullException.ThrowIfNull(mean);
        ArgumentNullException.ThrowIfNull(covariance);
        int n = mean.Length;
        if (n == 0) throw new ArgumentException("mean must have at least one entry, got none", nameof(mean));
        if (covariance.GetLength(0) != n || covariance.GetLength(1) != n)
            throw new ArgumentException($"covariance must be {n}×{n} to match the mean, got {covariance.GetLength(0)}×{covariance.GetLength(1)}", nameof(covariance));
        GpInput.CheckFinite(mean, nameof(mean));
        _mean = (double[])mean.Clone();
        _cov = GpInput.Matrix(covariance, nameof(covariance)).Data;
        for (int i = 0; i < n; i++)
        {
            if (_cov[i * n + i] < 0) throw new ArgumentException($"covariance diagonal must be >= 0; entry {i} is {_cov[i * n + i]}", nameof(covariance));
            for (int j = 0; j < i; j++)
            {
                double a = _cov[i * n + j], b = _cov[j * n + i];
                if (Math.Abs(a - b) > 1e-10 * (Math.Abs(a) + Math.Abs(b) + 1e-300) + 1e-14)
                    throw new ArgumentException($"covariance must be symmetric; entries ({i},{j})={a} and ({j},{i})={b} differ", nameof(covariance));
            }
        }
    }

    /// <summary>Number of dimensions d.</summary>
    public int Dimension => _mean.Length;
    /// <summary>A copy of the mean (d values).</summary>
    public double[] Mean => (double[])_mean.Clone();
    /// <summary>A copy of the covariance (d×d).</summary>
    public double[,] Covariance => GpInput.ToMatrix(_cov, Dimension, Dimension);
    /// <summary>Jitter that the Cholesky factor needed (0 for a well-conditioned covariance).</summary>
    public double Jitter { get { Factor(); return _jitter; } }

    private double[] Factor()
    {
        if (_chol is not null) return _chol;
        int n = Dimension;
        var l = new double[n * n];
        _jitter = GpLinalg.CholeskyWithJitter(_cov, n, l);
        if (double.IsNaN(_jitter))
            throw new InvalidOperationException($"covariance ({n}×{n}) is not positive semi-definite even with jitter up to 1e-4·mean(diag); check it for negative eigenvalues");
        return _chol = l;
    }

    /// <summary>log N(x; μ, Σ) = −½ (x−μ)ᵀΣ⁻¹(x−μ) − ½ log det Σ − n/2 log 2π.</summary>
    public double LogPdf(double[] x)
    {
        ArgumentNullException.ThrowIfNull(x);
        int n = Dimension;
        if (x.Length != n) throw new ArgumentException($"x must have {n} entries, got {x.Length}", nameof(x));
        GpInput.CheckFinite(x, nameof(x));
        var l = Factor();
        var z = new double[n];
        for (int i = 0; i < n; i++) z[i] = x[i] - _mean[i];
        DenseLinalg.SolveLowerInPlace(l, n, z, 1);
        double q = 0;
        foreach (double v in z) q += v * v;
        return -0.5 * q - 0.5 * DenseLinalg.LogDetFromCholesky(l, n) - 0.5 * n * Math.Log(2 * Math.PI);
    }

    /// <summary>count×n draws μ + L z with z standard normal from the seeded generator.</summary>
    public double[,] Sample(int count, Generator generator)
    {
        ArgumentNullException.ThrowIfNull(generator);
        if (count < 1) throw new ArgumentOutOfRangeException(nameof(count), $"count must be >= 1, got {count}");
        int n = Dimension;
        var l = Factor();
        var r = new double[count, n];
        var z = new double[n];
        for (int s = 0; s < count; s++)
        {
            for (int i = 0; i < n; i++) z[i] = generator.NextNormal();
            for (int i = 0; i < n; i++)
            {
                double v = _mean[i];
                for (int k = 0; k <= i; k++) v += l[i * n + k] * z[k];
                r[s, i] = v;
            }
        }
        return r;
    }

    /// <paramref name="count"/> draws (count×d) from a generator seeded with <paramref name="seed"/>.
    public double[,] Sample(int count, ulong seed = 0) => Sample(count, new Generator(seed));

    /// <summary>Distribution of the components at <paramref name="indices"/>.</summary>
    public MultivariateNormal Marginal(int[] indices)
    {
        CheckIndices(indices, nameof(indices));
        int k = indices.Length, n = Dimension;
        var mean = new double[k];
        var cov = new double[k, k];
        for (int a = 0; a < k; a++)
        {
            mean[a] = _mean[indices[a]];
            for (int b = 0; b < k; b++) cov[a, b] = _cov[indices[a] * n + indices[b]];
        }
        return new MultivariateNormal(mean, cov);
    }

    /// <summary>Distribution of the remaining components given that those at <paramref name="indices"/> equal <paramref name="values"/>.</summary>
    public MultivariateNormal Condition(int[] indices, double[] values)
    {
        CheckIndices(indices, nameof(indices));
        ArgumentNullException.ThrowIfNull(values);
        if (values.Length != indices.Length) throw new ArgumentException($"values must have {indices.Length} entries like indices, got {values.Length}", nameof(values));
        GpInput.CheckFinite(values, nameof(values));
        int n = Dimension, nb = indices.Length;
        var rest = Enumerable.Range(0, n).Except(indices).ToArray();
        if (rest.Length == 0) throw new ArgumentException("conditioning on every component leaves nothing to describe", nameof(indices));
        int na = rest.Length;
        var sbb = new double[nb * nb];
        for (int i = 0; i < nb; i++)
            for (int j = 0; j < nb; j++) sbb[i * nb + j] = _cov[indices[i] * n + indices[j]];
        var l = new double[nb * nb];
        if (double.IsNaN(GpLinalg.CholeskyWithJitter(sbb, nb, l)))
            throw new InvalidOperationException("the covariance of the conditioned components is singular even with jitter");
        // Solve Σ_bb [w | M] = [x_b − μ_b | Σ_ba] in one pass.
        var rhs = new double[nb * (na + 1)];
        for (int i = 0; i < nb; i++)
        {
            rhs[i * (na + 1)] = values[i] - _mean[indices[i]];
            for (int a = 0; a < na; a++) rhs[i * (na + 1) + 1 + a] = _cov[indices[i] * n + rest[a]];
        }
        DenseLinalg.CholeskySolveInPlace(l, nb, rhs, na + 1);
        var mean = new double[na];
        var cov = new double[na, na];
        for (int a = 0; a < na; a++)
        {
            double m = _mean[rest[a]];
            for (int i = 0; i < nb; i++) m += _cov[rest[a] * n + indices[i]] * rhs[i * (na + 1)];
            mean[a] = m;
            for (int b = 0; b < na; b++)
            {
                double c = _cov[rest[a] * n + rest[b]];
                for (int i = 0; i < nb; i++) c -= _cov[rest[a] * n + indices[i]] * rhs[i * (na + 1) + 1 + b];
                cov[a, b] = c;
            }
        }
        // Symmetrize away round-off so the result passes the constructor's symmetry check.
        for (int a = 0; a < na; a++)
            for (int b = 0; b < a; b++) cov[a, b] = cov[b, a] = 0.5 * (cov[a, b] + cov[b, a]);
        return new MultivariateNormal(mean, cov);
    }

    private void CheckIndices(int[] indices, string name)
    {
        ArgumentNullException.ThrowIfNull(indices, name);
        if (indices.Length == 0) throw new ArgumentException($"{name} must not be empty", name);
        var seen = new HashSet<int>();
        foreach (int i in indices)
        {
            if (i < 0 || i >= Dimension) throw new ArgumentOutOfRangeException(name, $"index {i} is outside 0..{Dimension - 1}");
            if (!seen.Add(i)) throw new ArgumentException($"index {i} appears twice in {name}", name);
        }
    }
}
