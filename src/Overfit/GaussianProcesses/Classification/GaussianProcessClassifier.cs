using Overfit.Tensors;

namespace Overfit.GaussianProcesses;

/// <summary>
/// Gaussian process classifier (scikit-learn's GaussianProcessClassifier): binary Laplace approximation with the
/// logistic link; more than two classes are handled one-vs-rest, each class with its own copy of the kernel, and
/// the class probabilities are normalized to sum to one. Labels are any integers.
/// </summary>
public sealed class GaussianProcessClassifier
{
    private BinaryLaplaceClassifier[] _models = [];
    private readonly List<string> _warnings = [];
    private int _d;

    /// <summary>A Laplace GP classifier (like sklearn.gaussian_process.GaussianProcessClassifier).</summary>
    /// <param name="kernel">Prior covariance (default: fixed 1.0·RBF(1.0)).</param>
    /// <param name="nRestartsOptimizer">Extra optimizer starts drawn log-uniformly within the bounds (default 0).</param>
    /// <param name="seed">Seed of the restarts.</param>
    /// <param name="optimize">Fit the kernel's hyperparameters (false: keep them).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="nRestartsOptimizer"/> is negative.</exception>
    public GaussianProcessClassifier(Kernel? kernel = null, int nRestartsOptimizer = 0, ulong seed = 0, bool optimize = true)
    {
        if (nRestartsOptimizer < 0) throw new ArgumentOutOfRangeException(nameof(nRestartsOptimizer), $"nRestartsOptimizer must be >= 0, got {nRestartsOptimizer}");
        Kernel = kernel ?? new ConstantKernel(1.0, isFixed: true) * new RBF(1.0, isFixed: true);
        NRestartsOptimizer = nRestartsOptimizer;
        Seed = seed;
        Optimize = optimize;
    }

    /// <summary>The kernel given to the constructor (Fit works on clones).</summary>
    public Kernel Kernel { get; }

    /// <summary>
    /// Most training rows Fit accepts (default <see cref="GaussianProcessRegressor.DefaultMaxRows"/>); the Laplace
    /// gradient holds one n×n matrix per hyperparameter besides K, its factor and two n×n products.
    /// </summary>
    public int MaxRows
    {
        get;
        init => field = value >= 1 ? value : throw new ArgumentOutOfRangeException(nameof(MaxRows), $"MaxRows must be >= 1, got {value}");
    } = GaussianProcessRegressor.DefaultMaxRows;

    /// <summary>Extra optimizer starts per fit.</summary>
    public int NRestartsOptimizer { get; }
    /// <summary>Seed of the restarts.</summary>
    public ulong Seed { get; }
    /// <summary>Whether Fit optimizes the hyperparameters.</summary>
    public bool Optimize { get; }

    /// <summary>Warnings of the last Fit: hyperparameters that ended on a bound, worded like scikit-learn's ConvergenceWarning.</summary>
    public IReadOnlyList<string> Warnings => _warnings;

    /// <summary>Sorted distinct labels seen in Fit.</summary>
    public int[] Classes { get; private set; } = [];
    /// <summary>Fitted kernels: one for binary problems, one per class for one-vs-rest.</summary>
    public IReadOnlyList<Kernel> FittedKernels => _models.Select(m => m.Kernel).ToArray();

    /// <summary>
    /// The fitted kernel of a binary problem (scikit-learn's kernel_, named like <see cref="GaussianProcessRegressor.FittedKernel"/>);
    /// null before Fit. One-vs-rest fits have one kernel per class: read them from <see cref="FittedKernels"/>.
    /// </summary>
    public Kernel? FittedKernel => _models.Length switch
    {
        0 => null,
        1 => _models[0].Kernel,
        _ => throw new InvalidOperationException($"this classifier was fitted one-vs-rest with {_models.Length} kernels, one per class: use FittedKernels"),
    };
    /// <summary>Laplace log marginal likelihood (the mean over the one-vs-rest problems for several classes).</summary>
    public double LogMarginalLikelihoodValue => _models.Length == 0 ? double.NaN : _models.Average(m => m.LogMarginalLikelihoodValue);

    /// <summary>Fits on x [n, d] and integer labels y (n values).</summary>
    /// <exception cref="ArgumentException">y has a different length or fewer than 2 classes.</exception>
    public GaussianProcessClassifier Fit(Tensor x, int[] y) => Fit(GpInput.ToMatrix(x, nameof(x)), y);

    /// <summary>Fits on x (n×d) and integer labels y (n values): one binary model, or one per class (one-vs-rest).</summary>
    /// <exception cref="ArgumentException">y has a different length or fewer than 2 classes.</exception>
    public GaussianProcessClassifier Fit(double[,] x, int[] y)
    {
        var (xd, n, d) = GpInput.Matrix(x, nameof(x));
        ArgumentNullException.ThrowIfNull(y);
        if (y.Length != n) throw new ArgumentException($"y must have one label per row of X ({n}), got {y.Length}", nameof(y));
        ExactInference.EnsureFeasible(n, MaxRows, squareBuffers: 4 + (Optimize ? Kernel.ThetaCount : 0), nameof(GaussianProcessClassifier), nameof(x));
        _warnings.Clear();
        Classes = y.Distinct().Order().ToArray();
        if (Classes.Length < 2) throw new ArgumentException($"classification needs at least 2 classes, got {Classes.Length}", nameof(y));
        _d = d;
        var rng = new Generator(Seed);
        int problems = Classes.Length == 2 ? 1 : Classes.Length;
        _models = new BinaryLaplaceClassifier[problems];
        for (int c = 0; c < problems; c++)
        {
            int positive = Classes.Length == 2 ? Classes[1] : Classes[c];
            var y01 = y.Select(v => v == positive ? 1.0 : 0.0).ToArray();
            var model = new BinaryLaplaceClassifier();
            model.Fit(Kernel.Clone(), xd, n, d, y01, Optimize, NRestartsOptimizer, rng);
            _models[c] = model;
            if (Optimize && model.Kernel.ThetaCount > 0)
                foreach (var warning in model.Kernel.BoundWarnings())
                {
                    _warnings.Add(warning);
                    System.Diagnostics.Trace.TraceWarning(warning);
                }
        }
        return this;
    }

    /// <summary>Class probabilities, m×n_classes, columns in the order of <see cref="Classes"/>.</summary>
    public double[,] PredictProba(double[,] x)
    {
        var columns = ProbabilityColumns(x);
        int m = columns[0].Length, k = columns.Length;
        var proba = new double[m, k];
        for (int c = 0; c < k; c++)
            for (int j = 0; j < m; j++) proba[j, c] = columns[c][j];
        return proba;
    }

    /// <summary>Class probabilities keyed by class label: <c>proba[label][j]</c> is P(y = label) at row j.</summary>
    public IReadOnlyDictionary<int, double[]> PredictProbaByClass(double[,] x)
    {
        var columns = ProbabilityColumns(x);
        var byClass = new Dictionary<int, double[]>(Classes.Length);
        for (int c = 0; c < Classes.Length; c++) byClass[Classes[c]] = columns[c];
        return byClass;
    }

    /// <summary>One probability array per class, in the order of <see cref="Classes"/> (one-vs-rest ones normalized to sum to 1).</summary>
    private double[][] ProbabilityColumns(double[,] x)
    {
        if (_models.Length == 0) throw new InvalidOperationException("call Fit before PredictProba");
        var (xs, m, d) = GpInput.Matrix(x, nameof(x));
        if (d != _d) throw new ArgumentException($"X must have {_d} columns like the training inputs, got {d}", nameof(x));
        int k = Classes.Length;
        if (k == 2)
        {
            var p1 = _models[0].PredictProbability(xs, m);
            var p0 = new double[m];
            for (int j = 0; j < m; j++) p0[j] = 1 - p1[j];
            return [p0, p1];
        }
        var columns = new double[k][];
        for (int c = 0; c < k; c++) columns[c] = _models[c].PredictProbability(xs, m);
        for (int j = 0; j < m; j++)
        {
            double s = 0;
            for (int c = 0; c < k; c++) s += columns[c][j];
            for (int c = 0; c < k; c++) columns[c][j] /= s;
        }
        return columns;
    }

    /// <summary>The most probable class of every row of x (m×d).</summary>
    public int[] Predict(double[,] x)
    {
        var p = PredictProba(x);
        var r = new int[p.GetLength(0)];
        for (int j = 0; j < r.Length; j++)
        {
            int best = 0;
            for (int c = 1; c < Classes.Length; c++) if (p[j, c] > p[j, best]) best = c;
            r[j] = Classes[best];
        }
        return r;
    }

    /// <summary>Laplace log marginal likelihood at theta for a binary problem (and its gradient).</summary>
    public double LogMarginalLikelihood(double[] theta, out double[] gradient)
    {
        if (_models.Length != 1) throw new InvalidOperationException("LogMarginalLikelihood(theta) is available for fitted binary problems");
        ArgumentNullException.ThrowIfNull(theta);
        var keep = _models[0].Kernel.Theta;
        gradient = new double[theta.Length];
        try { return _models[0].LogMarginalLikelihood(theta, gradient); }
        finally { _models[0].Kernel.Theta = keep; }
    }
}
