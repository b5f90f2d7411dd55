namespace Overfit.Optim;

/// <summary>Why a <see cref="BoundedLbfgs"/> run stopped (SciPy fmin_l_bfgs_b's task messages).</summary>
public enum LbfgsStopReason
{
    /// <summary>The projected gradient's max-norm fell to <see cref="BoundedLbfgs.Pgtol"/> or below.</summary>
    ProjectedGradientBelowTolerance,
    /// <summary>(f_old − f)/max(|f_old|, |f|, 1) ≤ factr·eps.</summary>
    RelativeReductionBelowTolerance,
    /// <summary>The iteration limit <see cref="BoundedLbfgs.MaxIterations"/> was reached.</summary>
    MaxIterationsReached,
    /// <summary>More than <see cref="BoundedLbfgs.MaxFunctionEvaluations"/> evaluations were spent.</summary>
    MaxFunctionEvaluationsReached,
    /// <summary>The line search failed with an empty memory (SciPy's ABNORMAL_TERMINATION_IN_LNSRCH).</summary>
    AbnormalLineSearchTermination,
    /// <summary>The objective was not finite at the (projected) starting point.</summary>
    NonFiniteStart,
}

/// <summary>Outcome of a <see cref="BoundedLbfgs"/> run: best point, its value, counts and the stopping reason.</summary>
public sealed record BoundedLbfgsResult(double[] X, double Value, int Iterations, int Evaluations, LbfgsStopReason Reason)
{
    /// <summary>True when a tolerance test stopped the run (SciPy's warnflag 0).</summary>
    public bool Converged => Reason is LbfgsStopReason.ProjectedGradientBelowTolerance or LbfgsStopReason.RelativeReductionBelowTolerance;

    /// <summary>SciPy's task message for <see cref="Reason"/>.</summary>
    public string Message => Reason switch
    {
        LbfgsStopReason.ProjectedGradientBelowTolerance => "CONVERGENCE: NORM_OF_PROJECTED_GRADIENT_<=_PGTOL",
        LbfgsStopReason.RelativeReductionBelowTolerance => "CONVERGENCE: REL_REDUCTION_OF_F_<=_FACTR*EPSMCH",
        LbfgsStopReason.MaxIterationsReached => "STOP: TOTAL NO. of ITERATIONS REACHED LIMIT",
        LbfgsStopReason.MaxFunctionEvaluationsReached => "STOP: TOTAL NO. of f AND g EVALUATIONS EXCEEDS LIMIT",
        LbfgsStopReason.AbnormalLineSearchTermination => "ABNORMAL_TERMINATION_IN_LNSRCH",
        _ => "objective is not finite at the starting point",
    };
}

/// <summary>
/// Limited-memory quasi-Newton minimization under box bounds with SciPy <c>fmin_l_bfgs_b</c>'s stopping rules and
/// nothing else: projected-gradient max-norm ≤ <see cref="Pgtol"/>, relative reduction ≤ <see cref="Factr"/>·eps,
/// <see cref="MaxIterations"/>, <see cref="MaxFunctionEvaluations"/>. The step is the two-loop L-BFGS direction on the
/// variables not held at a bound by their gradient, projected onto the box, accepted by Armijo backtracking (at most
/// 20 trials per search, as in L-BFGS-B). A failed search clears the memory and retries from steepest descent; a
/// failure with empty memory ends the run. Non-finite values count as failed trials. A variable whose lower and upper
/// bounds are equal stays fixed. One optimizer serves GP hyperparameters, BO model fitting and acquisition maximization.
/// </summary>
public sealed class BoundedLbfgs
{
    private const double MachineEpsilon = 2.220446049250313e-16;
    private const int MaxLineSearchTrials = 20;

    /// <summary>Number of correction pairs kept (SciPy's m).</summary>
    public int Memory { get; init; } = 10;
    /// <summary>Iteration limit (SciPy's maxiter).</summary>
    public int MaxIterations { get; init; } = 15000;
    /// <summary>Evaluation limit (SciPy's maxfun); checked after each iteration, as SciPy does.</summary>
    public int MaxFunctionEvaluations { get; init; } = 15000;
    /// <summary>Relative-reduction factor: stop when the reduction is ≤ factr·eps (SciPy's factr; 1e7 ⇒ ftol ≈ 2.2e-9).</summary>
    public double Factr { get; init; } = 1e7;
    /// <summary>Projected-gradient tolerance (SciPy's pgtol).</summary>
    public double Pgtol { get; init; } = 1e-5;
    /// <summary>
    /// Extend an accepted full step while the Wolfe curvature condition fails (L-BFGS-B's line search extrapolates; the
    /// default Armijo backtracking only shrinks). Off by default, which keeps the BO loops' trajectories; the GP
    /// regressor turns it on, because with one length scale a far start otherwise crawls (see <c>Extrapolate</c>).
    /// </summary>
    public bool Extrapolation { get; init; }

    /// <summary>Minimizes f over [lower, upper]; <paramref name="f"/> returns the value and writes the gradient.</summary>
    public BoundedLbfgsResult Minimize(Func<double[], double[], double> f, double[] x0, double[] lower, double[] upper)
    {
        ArgumentNullException.ThrowIfNull(f);
        return Run((x, g) => f(x, g!), x0, lower, upper, lazyGradient: false);
    }

    /// <summary>
    /// Minimizes f over [lower, upper] where <paramref name="f"/> receives a null gradient buffer when only the value is
    /// needed: line-search trials are valued first and the gradient is asked for once a point is accepted (for a GP
    /// that saves the inverse of K on every rejected trial).
    /// </summary>
    public BoundedLbfgsResult MinimizeWithLazyGradient(Func<double[], double[]?, double> f, double[] x0, double[] lower, double[] upper)
    {
        ArgumentNullException.ThrowIfNull(f);
        return Run(f, x0, lower, upper, lazyGradient: true);
    }

    private BoundedLbfgsResult Run(Func<double[], double[]?, double> f, double[] x0, double[] lower, double[] upper, bool lazyGradient)
    {
        ArgumentNullException.ThrowIfNull(x0);
        ArgumentNullException.ThrowIfNull(lower);
        ArgumentNullException.ThrowIfNull(upper);
        if (Memory < 1) throw new ArgumentOutOfRangeException(nameof(Memory), $"Memory must be >= 1, got {Memory}");
        int n = x0.Length;
        if (lower.Length != n || upper.Length != n)
            throw new ArgumentException($"bounds must have {n} entries like x0, got {lower.Length} and {upper.Length}", nameof(lower));
        for (int i = 0; i < n; i++)
            if (!(lower[i] <= upper[i])) throw new ArgumentException($"bound {i}: expected lower <= upper, got lower {lower[i]} and upper {upper[i]}", nameof(lower));
        var x = new double[n];
        for (int i = 0; i < n; i++) x[i] = Math.Clamp(x0[i], lower[i], upper[i]);
        var g = new double[n];
        double fx = f(x, g);
        int evals = 1;
        if (!double.IsFinite(fx)) return new BoundedLbfgsResult(x, fx, 0, evals, LbfgsStopReason.NonFiniteStart);
        if (ProjectedGradientNorm(x, g, lower, upper) <= Pgtol)
            return new BoundedLbfgsResult(x, fx, 0, evals, LbfgsStopReason.ProjectedGradientBelowTolerance);
        var memory = new CorrectionPairs(n, Memory);
        var xt = new double[n];
        var gt = new double[n];
        var d = new double[n];
        var free = new bool[n];
        double tolerance = Factr * MachineEpsilon;
        double[]? xe = null, ge = null;
        int iter = 0;
        while (true)
        {
            for (int i = 0; i < n; i++)
                free[i] = lower[i] < upper[i] && !(x[i] <= lower[i] && g[i] > 0) && !(x[i] >= upper[i] && g[i] < 0);
            memory.Direction(g, free, d);
            double slope = Dot(g, d);
            if (!(slope < 0))
            {
                memory.Clear();
                for (int i = 0; i < n; i++) d[i] = free[i] ? -g[i] : 0;
                slope = Dot(g, d);
            }
            double step = memory.Count == 0 ? Math.Min(1.0, 1.0 / Math.Max(1e-300, Math.Sqrt(Dot(d, d)))) : 1.0;
            bool accepted = false, firstStep = false;
            double ft = double.NaN;
            for (int trial = 0; trial < MaxLineSearchTrials && slope < 0; trial++)
            {
                bool moved = false;
                double decrease = 0;
                for (int i = 0; i < n; i++)
                {
                    xt[i] = Math.Clamp(x[i] + step * d[i], lower[i], upper[i]);
                    if (xt[i] != x[i]) moved = true;
                    decrease += g[i] * (xt[i] - x[i]);
                }
                if (!moved) break;
                // A trial whose predicted decrease is already within the relative-reduction tolerance (or negative, when
                // the projection bends the path uphill) is the search's last: accepted, its reduction is about that small
                // and the tolerance test usually ends the run next; rejected, shorter steps predict still less, so on an
                // objective with round-off (a GP's LML at n = 1000 varies by ~1e-6 between neighbouring points) further
                // backtracking only spends evaluations on noise before the search fails anyway. Not a stopping rule:
                // a failed search clears the memory and retries, as L-BFGS-B does.
                bool lastTrial = -decrease <= tolerance * Math.Max(Math.Abs(fx), 1.0);
                ft = f(xt, lazyGradient ? null : gt);
                evals++;
                if (double.IsFinite(ft) && ft <= fx + 1e-4 * decrease)
                {
                    if (lazyGradient) ft = f(xt, gt);
                    accepted = true;
                    firstStep = trial == 0;
                    break;
                }
                if (lastTrial) break;
                // Backtrack to the minimizer of the quadratic through f(x), the slope and f(trial), safeguarded to
                // [0.1, 0.5] of the step; halve when the trial value is not finite. The decrease along the projected
                // path is the slope for the step actually taken.
                double pathSlope = decrease / step;
                step *= double.IsFinite(ft) ? Math.Clamp(-0.5 * pathSlope * step / (ft - fx - pathSlope * step), 0.1, 0.5) : 0.5;
            }
            if (!accepted)
            {
                if (memory.Count > 0) { memory.Clear(); continue; }
                return new BoundedLbfgsResult(x, fx, iter, evals, LbfgsStopReason.AbnormalLineSearchTermination);
            }
            if (Extrapolation && firstStep && Dot(gt, d) < CurvatureFactor * slope)
                evals += Extrapolate(f, x, slope, d, ref step, xt, gt, ref ft, lower, upper, lazyGradient, xe ??= new double[n], ge ??= new double[n]);
            memory.Add(x, xt, g, gt);
            double fOld = fx;
            Array.Copy(xt, x, n);
            Array.Copy(gt, g, n);
            fx = ft;
            iter++;
            // SciPy's order: iteration and evaluation limits, then the projected gradient, then the relative reduction.
            if (iter >= MaxIterations) return new BoundedLbfgsResult(x, fx, iter, evals, LbfgsStopReason.MaxIterationsReached);
            if (evals > MaxFunctionEvaluations) return new BoundedLbfgsResult(x, fx, iter, evals, LbfgsStopReason.MaxFunctionEvaluationsReached);
            if (ProjectedGradientNorm(x, g, lower, upper) <= Pgtol)
                return new BoundedLbfgsResult(x, fx, iter, evals, LbfgsStopReason.ProjectedGradientBelowTolerance);
            if (fOld - fx <= tolerance * Math.Max(Math.Max(Math.Abs(fOld), Math.Abs(fx)), 1.0))
                return new BoundedLbfgsResult(x, fx, iter, evals, LbfgsStopReason.RelativeReductionBelowTolerance);
        }
    }

    /// <summary>Wolfe curvature factor (L-BFGS-B's gtol = 0.9): an accepted full step whose slope is still below 0.9× the initial one is extended.</summary>
    private const double CurvatureFactor = 0.9;

    /// <summary>
    /// The full step was accepted but the objective still falls steeply along d (the Wolfe curvature condition fails):
    /// the memory's curvature is stale (its pairs came from a region of higher curvature, and pairs with sᵀy ≤ 0 are
    /// skipped), so unit steps would crawl. As L-BFGS-B's line search does, extrapolate: grow the step ×4 while the
    /// value keeps decreasing (Armijo) and the curvature condition still fails; keep the last such point. Returns the
    /// evaluations spent. Without this, a one-length-scale GP fit from a far start took 15,000 accepted unit steps.
    /// </summary>
    private static int Extrapolate(Func<double[], double[]?, double> f, double[] x, double slope, double[] d, ref double step,
        double[] xt, double[] gt, ref double ft, double[] lower, double[] upper, bool lazyGradient, double[] xe, double[] ge)
    {
        int evals = 0, n = x.Length;
        for (int trial = 0; trial < MaxLineSearchTrials && Dot(gt, d) < CurvatureFactor * slope; trial++)
        {
            double grown = step * 4;
            bool moved = false;
            for (int i = 0; i < n; i++)
            {
                xe[i] = Math.Clamp(x[i] + grown * d[i], lower[i], upper[i]);
                if (xe[i] != xt[i]) moved = true;
            }
            if (!moved) break;   // every coordinate is already at its bound
            double fe = f(xe, lazyGradient ? null : ge);
            evals++;
            if (!(double.IsFinite(fe) && fe < ft)) break;
            if (lazyGradient) fe = f(xe, ge);
            step = grown;
            Array.Copy(xe, xt, n);
            Array.Copy(ge, gt, n);
            ft = fe;
        }
        return evals;
    }

    /// <summary>max_i |P(x − g) − x|, P the projection onto the box (SciPy's sbgnrm).</summary>
    internal static double ProjectedGradientNorm(double[] x, double[] g, double[] lower, double[] upper)
    {
        double m = 0;
        for (int i = 0; i < x.Length; i++) m = Math.Max(m, Math.Abs(Math.Clamp(x[i] - g[i], lower[i], upper[i]) - x[i]));
        return m;
    }

    private static double Dot(double[] a, double[] b)
    {
        double s = 0;
        for (int i = 0; i < a.Length; i++) s += a[i] * b[i];
        return s;
    }

    /// <summary>The last m (s, y) pairs and the two-loop recursion d = −H g on the free variables.</summary>
    private sealed class CorrectionPairs(int n, int capacity)
    {
        private readonly List<double[]> _s = [];
        private readonly List<double[]> _y = [];
        private readonly List<double> _rho = [];
        private readonly double[] _alpha = new double[capacity];

        public int Count => _s.Count;

        public void Clear() { _s.Clear(); _y.Clear(); _rho.Clear(); }

        public void Add(double[] x, double[] xNew, double[] g, double[] gNew)
        {
            var s = new double[n];
            var y = new double[n];
            for (int i = 0; i < n; i++) { s[i] = xNew[i] - x[i]; y[i] = gNew[i] - g[i]; }
            double sy = Dot(s, y);
            // Skip pairs that would break positive definiteness (L-BFGS-B's curvature test).
            if (!(sy > 1e-10 * Dot(y, y))) return;
            if (_s.Count == capacity) { _s.RemoveAt(0); _y.RemoveAt(0); _rho.RemoveAt(0); }
            _s.Add(s); _y.Add(y); _rho.Add(1.0 / sy);
        }

        public void Direction(double[] g, bool[] free, double[] d)
        {
            int m = _s.Count;
            for (int i = 0; i < n; i++) d[i] = free[i] ? g[i] : 0;
            for (int k = m - 1; k >= 0; k--)
            {
                _alpha[k] = _rho[k] * MaskedDot(_s[k], d, free);
                var yk = _y[k];
                for (int i = 0; i < n; i++) if (free[i]) d[i] -= _alpha[k] * yk[i];
            }
            if (m > 0)
            {
                double gamma = 1.0 / (_rho[m - 1] * Dot(_y[m - 1], _y[m - 1]));
                for (int i = 0; i < n; i++) d[i] *= gamma;
            }
            for (int k = 0; k < m; k++)
            {
                double beta = _rho[k] * MaskedDot(_y[k], d, free);
                var sk = _s[k];
                for (int i = 0; i < n; i++) if (free[i]) d[i] += (_alpha[k] - beta) * sk[i];
            }
            for (int i = 0; i < n; i++) d[i] = free[i] ? -d[i] : 0;
        }

        private static double MaskedDot(double[] a, double[] b, bool[] mask)
        {
            double r = 0;
            for (int i = 0; i < a.Length; i++) if (mask[i]) r += a[i] * b[i];
            return r;
        }
    }
}
