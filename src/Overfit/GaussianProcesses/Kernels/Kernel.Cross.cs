namespace Overfit.GaussianProcesses;

/// <summary>
/// Contractions against a rectangular kernel matrix K(X, Y) and against diag K(X): what inducing-point models need.
/// Their marginal likelihood bounds touch the kernel only through K(X, Z) (n×M), K(Z, Z) and diag K(X), so their
/// gradients are Σ W∘∂K for an n×M weight matrix W and a weight vector w, taken here pair by pair without an n×n
/// (or n×M×n_theta) tensor.
/// </summary>
public abstract partial class Kernel
{
    /// <summary>
    /// Returns Σ_ij W_ij k(x_i, y_j) for W (n×m, row-major); adds Σ_ij W_ij ∂k(x_i, y_j)/∂θ_t to grad[t] and, when
    /// <paramref name="gradY"/> is not empty, Σ_i W_ij ∂k(x_i, y_j)/∂y_j to row j of gradY (m×d). White noise is zero
    /// between two input sets, as in <see cref="Evaluate"/>. The default works for every kernel from its symmetric
    /// contraction (X and Y stacked in chunks, weights only on the off-diagonal block) and its input gradient;
    /// stationary kernels and composites override it with fused passes.
    /// </summary>
    internal virtual double ContractCrossGradients(ReadOnlySpan<double> x, int n, ReadOnlySpan<double> y, int m, int d,
        ReadOnlySpan<double> w, Span<double> grad, Span<double> gradY)
    {
        const int chunk = 128;
        int p = ThetaCount;
        double value = 0;
        var stacked = new double[(chunk + m) * d];
        var weights = new double[(chunk + m) * (chunk + m)];
        var g = new double[p];
        for (int start = 0; start < n; start += chunk)
        {
            int c = Math.Min(chunk, n - start), s = c + m;
            x.Slice(start * d, c * d).CopyTo(stacked);
            y[..(m * d)].CopyTo(stacked.AsSpan(c * d));
            var ws = weights.AsSpan(0, s * s);
            ws.Clear();
            for (int i = 0; i < c; i++)
                for (int j = 0; j < m; j++)
                {
                    // Each cross pair appears twice in the symmetric sum, so each copy carries half its weight.
                    double h = 0.5 * w[(start + i) * m + j];
                    ws[i * s + c + j] = h;
                    ws[(c + j) * s + i] = h;
                }
            value += ContractValueAndGradients(stacked.AsSpan(0, s * d), s, d, ws, g);
        }
        for (int t = 0; t < p; t++) grad[t] += g[t];
        if (gradY.IsEmpty) return value;
        // k is symmetric, so ∂k(x_i, y_j)/∂y_j is the input gradient of k(y_j, ·) at x_i.
        var block = new double[n * d];
        for (int j = 0; j < m; j++)
        {
            InputGradient(y.Slice(j * d, d), x, n, d, block);
            for (int i = 0; i < n; i++)
            {
                double wij = w[i * m + j];
                if (wij == 0) continue;
                for (int k = 0; k < d; k++) gradY[j * d + k] += wij * block[i * d + k];
            }
        }
        return value;
    }

    /// <summary>
    /// Returns Σ_i w_i k(x_i, x_i) (white noise included, as in <see cref="Diagonal"/>) and adds
    /// Σ_i w_i ∂k(x_i, x_i)/∂θ_t to grad[t]. The default contracts the symmetric gradient in chunks with diagonal
    /// weights; kernels whose diagonal is simple override it.
    /// </summary>
    internal virtual double ContractDiagonalGradients(ReadOnlySpan<double> x, int n, int d, ReadOnlySpan<double> w, Span<double> grad)
    {
        const int chunk = 64;
        var weights = new double[chunk * chunk];
        var g = new double[ThetaCount];
        double value = 0;
        for (int start = 0; start < n; start += chunk)
        {
            int c = Math.Min(chunk, n - start);
            var ws = weights.AsSpan(0, c * c);
            ws.Clear();
            for (int i = 0; i < c; i++) ws[i * c + i] = w[start + i];
            value += ContractValueAndGradients(x.Slice(start * d, c * d), c, d, ws, g);
        }
        for (int t = 0; t < g.Length; t++) grad[t] += g[t];
        return value;
    }
}
