using Overfit.Data;
using Overfit.NN;
using Overfit.Tensors;
using AG = Overfit.Autograd.Autograd;

namespace Overfit.Landscape;

/// <summary>Eigenvalues (largest first) and their unit eigenvectors, one tensor per parameter.</summary>
public sealed record EigenPairs(double[] Eigenvalues, Tensor[][] Eigenvectors, int[] Iterations);

/// <summary>Hutchinson estimates of tr(H): the mean, and every sample vᵀHv that went into it.</summary>
public sealed record TraceEstimate(double Trace, double[] Samples);

/// <summary>
/// Stochastic Lanczos quadrature: per random start vector, the Ritz values (nodes) and the squared first
/// components of the tridiagonal's eigenvectors (weights, summing to 1 per start).
/// </summary>
public sealed record SpectralDensity(double[][] Nodes, double[][] Weights)
{
    /// <summary>
    /// The density on <paramref name="grid"/>: each node as a Gaussian of variance <paramref name="sigmaSquared"/>
    /// weighted by its weight, averaged over starts and normalized to integrate to 1 on the grid (PyHessian's plot).
    /// </summary>
    public double[] Evaluate(double[] grid, double sigmaSquared = 1e-5)
    {
        ArgumentNullException.ThrowIfNull(grid);
        if (grid.Length < 2) throw new ArgumentException($"grid needs at least 2 points, got {grid.Length}", nameof(grid));
        var density = new double[grid.Length];
        for (int s = 0; s < Nodes.Length; s++)
            for (int j = 0; j < grid.Length; j++)
                for (int i = 0; i < Nodes[s].Length; i++)
                {
                    double d = grid[j] - Nodes[s][i];
                    density[j] += Weights[s][i] * Math.Exp(-d * d / (2 * sigmaSquared)) / Math.Sqrt(2 * Math.PI * sigmaSquared) / Nodes.Length;
                }
        double step = grid[1] - grid[0], total = density.Sum() * step;
        if (total > 0) for (int j = 0; j < density.Length; j++) density[j] /= total;
        return density;
    }
}

/// <summary>
/// PyHessian's tools over a model, a loss and a set of batches: Hessian-vector products of the loss (averaged over
/// the batches, weighted by their sizes), the top eigenpairs (power iteration with deflation, or Lanczos), the trace
/// (Hutchinson) and the spectral density (stochastic Lanczos quadrature). The model is used in whatever mode the
/// caller left it (call <see cref="Module.Eval"/> first for PyHessian's usual setting); every method is seeded.
/// </summary>
public sealed partial class HessianAnalysis
{
    /// <summary>Elements of forward/δ state kept per run of a method that holds the weights fixed (256 MiB in Float32).</summary>
    private const long HeldElementBudget = 1L << 26;

    private readonly BatchedObjective _objective;
    private readonly PearlmutterPlan? _plan;
    /// <summary>Set once a batch's forward and δ pass found the plan inapplicable (the loss reads the weights, or a BatchNorm1d input is not [N, C]).</summary>
    private bool _planRefused;
    private PearlmutterPlan.BatchState?[]? _held;
    private long _heldElements;

    /// <param name="model">The network; its parameters that require grad span the Hessian unless <paramref name="parameters"/> is given.</param>
    /// <param name="loss">Loss of the model's output on a batch (e.g. cross-entropy with the batch's labels), a scalar mean.</param>
    /// <param name="batches">The data; a single batch reproduces PyHessian's "full batch" mode.</param>
    /// <param name="parameters">The parameters to differentiate with respect to (default: all that require grad).</param>
    public HessianAnalysis(Module model, Func<Tensor, Batch, Tensor> loss, IEnumerable<Batch> batches, IEnumerable<Tensor>? parameters = null)
    {
        _objective = new BatchedObjective(model, loss, batches);
        Parameters = (parameters ?? model.Parameters().Where(p => p.RequiresGrad)).ToArray();
        if (Parameters.Count == 0) throw new ArgumentException("the model has no parameter that requires grad", nameof(parameters));
        foreach (var p in Parameters)
            if (!p.RequiresGrad) throw new ArgumentException("every parameter of a HessianAnalysis must require grad", nameof(parameters));
        _plan = PearlmutterPlan.TryCreate(model, Parameters);
    }

    /// <summary>
    /// True when products run by Pearlmutter's R-operator (a chain of Linear layers, activations, eval-mode BatchNorm1d,
    /// LayerNorm and pass-through modules); else by double backward.
    /// </summary>
    internal bool UsesROperator => _objective.Batches.All(TakesROperator);

    /// <summary>Whether a batch's product goes through the plan: there is one, the loss reads only the output, and the plan can run the batch.</summary>
    [System.Diagnostics.CodeAnalysis.MemberNotNullWhen(true, nameof(_plan))]
    private bool TakesROperator(Batch b) => _plan is not null && !_planRefused && _plan.CanRun(b);

    /// <summary>The parameters the Hessian is taken with respect to; vectors are lists of tensors of their shapes.</summary>
    public IReadOnlyList<Tensor> Parameters { get; }

    /// <summary>Number of scalar parameters (the Hessian's size).</summary>
    public long Dimension => Parameters.Sum(p => (long)p.Numel);

    /// <summary>Number of Hessian-vector products computed so far.</summary>
    public int HvpCount { get; private set; }

    /// <summary>The mean loss over the batches (weighted by batch size), without gradients.</summary>
    public double Loss()
    {
        double total = 0;
        using (AG.NoGrad())
            foreach (var b in _objective.Batches) total += _objective.LossOf(b).Item() * _objective.Share(b);
        return total;
    }

    /// <summary>
    /// The <paramref name="k"/> largest eigenvalues by power iteration with deflation, PyHessian's eigenvalues():
    /// each start is Gaussian; every iterate is orthonormalized against the eigenvectors already found; it stops
    /// when the Rayleigh quotient changes by less than <paramref name="tol"/> relative (|Δ|/(|λ| + 1e-6)).
    /// </summary>
    public EigenPairs TopEigen(int k = 1, int maxIter = 100, double tol = 1e-3, ulong seed = 0)
    {
        if (k < 1) throw new ArgumentOutOfRangeException(nameof(k), $"k must be at least 1, got {k}");
        if (maxIter < 1) throw new ArgumentOutOfRangeException(nameof(maxIter), $"maxIter must be at least 1, got {maxIter}");
        using var held = HoldWeights();
        var gen = new Generator(seed);
        var values = new List<double>();
        var vectors = new List<Tensor[]>();
        var iterations = new List<int>();
        // The iterate and its product live in two buffers for the whole run: no vector is allocated per iteration.
        var hv = ParameterVector.ZerosLike(Parameters);
        for (int e = 0; e < k; e++)
        {
            var v = ParameterVector.Normalize(ParameterVector.Gaussian(Parameters, gen));
            double? eigenvalue = null;
            int it = 0;
            for (; it < maxIter; it++)
            {
                ParameterVector.OrthonormalizeInPlace(v, vectors);
                HvpInto(v, hv);
                double rayleigh = ParameterVector.Dot(hv, v);
                ParameterVector.NormalizeInto(v, hv);
                if (eigenvalue is double previous && Math.Abs(previous - rayleigh) / (Math.Abs(previous) + 1e-6) < tol)
                {
                    eigenvalue = rayleigh;
                    it++;
                    break;
                }
                eigenvalue = rayleigh;
            }
            values.Add(eigenvalue!.Value);
            vectors.Add(v);
            iterations.Add(it);
        }
        return new EigenPairs([.. values], [.. vectors], [.. iterations]);
    }

    /// <summary>
    /// The <paramref name="k"/> algebraically largest eigenpairs (scipy eigsh's "LA"; power iteration finds the largest in
    /// magnitude instead) from the Ritz pairs of a Lanczos run of <paramref name="iter"/>
    /// steps with full reorthogonalization (exact once iter reaches the dimension; far fewer HVPs than power iteration
    /// when the top eigenvalues are close).
    /// </summary>
    public EigenPairs TopEigenLanczos(int k = 1, int iter = 40, ulong seed = 0)
    {
        if (k < 1) throw new ArgumentOutOfRangeException(nameof(k), $"k must be at least 1, got {k}");
        if (iter < k) throw new ArgumentOutOfRangeException(nameof(iter), $"iter must be at least k = {k}, got {iter}");
        using var held = HoldWeights();
        var run = Lanczos.Run(Hvp, ParameterVector.Normalize(ParameterVector.Gaussian(Parameters, new Generator(seed))), (int)Math.Min(iter, Dimension), Parameters, new Generator(seed + 1));
        var (ritz, y) = run.RitzPairs();
        int m = ritz.Length;
        k = Math.Min(k, m);
        var values = new double[k];
        var vectors = new Tensor[k][];
        for (int e = 0; e < k; e++)
        {
            int col = m - 1 - e; // ascending order from the eigen solver
            values[e] = ritz[col];
            Tensor[] acc = ParameterVector.Scale(run.Basis[0], y[0, col]);
            for (int j = 1; j < m; j++) ParameterVector.AddScaled(acc, y[j, col], run.Basis[j]);
            vectors[e] = ParameterVector.Normalize(acc);
        }
        return new EigenPairs(values, vectors, Enumerable.Repeat(m, k).ToArray());
    }

    /// <summary>
    /// Hutchinson's estimate of tr(H) with Rademacher vectors, PyHessian's trace(): stops after
    /// <paramref name="maxIter"/> samples or when the running mean changes by less than <paramref name="tol"/> relative.
    /// </summary>
    public TraceEstimate Trace(int maxIter = 100, double tol = 1e-3, ulong seed = 0)
    {
        if (maxIter < 1) throw new ArgumentOutOfRangeException(nameof(maxIter), $"maxIter must be at least 1, got {maxIter}");
        using var held = HoldWeights();
        var gen = new Generator(seed);
        var samples = new List<double>();
        double trace = 0;
        var hv = ParameterVector.ZerosLike(Parameters); // one buffer for every sample's product
        for (int i = 0; i < maxIter; i++)
        {
            var v = ParameterVector.Rademacher(Parameters, gen);
            HvpInto(v, hv);
            samples.Add(ParameterVector.Dot(hv, v));
            double mean = samples.Average();
            if (Math.Abs(mean - trace) / (Math.Abs(trace) + 1e-6) < tol) return new TraceEstimate(mean, [.. samples]);
            trace = mean;
        }
        return new TraceEstimate(trace, [.. samples]);
    }

    /// <summary>
    /// Stochastic Lanczos quadrature, PyHessian's density(): <paramref name="nv"/> Rademacher starts, each a Lanczos
    /// run of <paramref name="iter"/> steps; nodes are the Ritz values and weights the squared first components of
    /// the tridiagonal's eigenvectors.
    /// </summary>
    public SpectralDensity Density(int iter = 100, int nv = 1, ulong seed = 0)
    {
        if (iter < 1) throw new ArgumentOutOfRangeException(nameof(iter), $"iter must be at least 1, got {iter}");
        if (nv < 1) throw new ArgumentOutOfRangeException(nameof(nv), $"nv must be at least 1, got {nv}");
        using var held = HoldWeights();
        var gen = new Generator(seed);
        var nodes = new double[nv][];
        var weights = new double[nv][];
        for (int s = 0; s < nv; s++)
        {
            var start = ParameterVector.Normalize(ParameterVector.Rademacher(Parameters, gen));
            var run = Lanczos.Run(Hvp, start, (int)Math.Min(iter, Dimension), Parameters, gen);
            var (ritz, y) = run.RitzPairs();
            nodes[s] = ritz;
            weights[s] = new double[ritz.Length];
            for (int i = 0; i < ritz.Length; i++) weights[s][i] = y[0, i] * y[0, i];
        }
        return new SpectralDensity(nodes, weights);
    }
}
