namespace Overfit.Tuning;

internal sealed partial class CmaEsOptimizer
{
    /// <summary>
    /// Updates mean, step size and covariance from exactly one population of (candidate, value) pairs (lower is
    /// better): weighted recombination (eq. 41), cumulative step-size adaptation (eqs. 43-44), rank-one and active
    /// rank-μ covariance update (eqs. 45-47).
    /// </summary>
    public void Tell(IReadOnlyList<(double[] X, double Value)> solutions)
    {
        ArgumentNullException.ThrowIfNull(solutions);
        if (solutions.Count != PopulationSize) throw new ArgumentException($"expected {PopulationSize} solutions (the population size), got {solutions.Count}", nameof(solutions));
        foreach (var (x, value) in solutions)
        {
            if (x is null || x.Length != _n) throw new ArgumentException($"every solution must have {_n} coordinates", nameof(solutions));
            foreach (double v in x)
                if (!(Math.Abs(v) < MeanMax)) throw new ArgumentException($"solution coordinates must be finite with |x| < {MeanMax}, got {v}", nameof(solutions));
            if (double.IsNaN(value)) throw new ArgumentException("solution values must not be NaN", nameof(solutions));
        }
        Generation++;
        // Stable sort: ties keep the caller's order, as Python's list.sort does.
        var sorted = solutions.Select((s, i) => (s, i)).OrderBy(p => p.s.Value).ThenBy(p => p.i).Select(p => p.s).ToArray();
        int histIndex = 2 * (Generation % _funHistTerm);
        _funHist[histIndex] = sorted[0].Value;
        _funHist[histIndex + 1] = sorted[^1].Value;

        var (b, d) = EigenDecomposition();
        _b = null; _d = null;
        int lambda = PopulationSize, n = _n;
        var y = new double[lambda][];
        for (int k = 0; k < lambda; k++)
        {
            y[k] = new double[n];
            for (int i = 0; i < n; i++) y[k][i] = (sorted[k].X[i] - _mean[i]) / Sigma;   // ~ N(0, C)
        }
        var yw = new double[n];
        for (int k = 0; k < Mu; k++)
            for (int i = 0; i < n; i++) yw[i] += _weights[k] * y[k][i];
        for (int i = 0; i < n; i++) _mean[i] += Sigma * yw[i];   // c_m = 1

        // C^(-1/2) y = B D⁻¹ Bᵀ y
        double[] InvSqrtC(double[] v)
        {
            var t = new double[n];
            for (int j = 0; j < n; j++)
            {
                double s = 0;
                for (int i = 0; i < n; i++) s += b[i * n + j] * v[i];
                t[j] = s / d[j];
            }
            var r = new double[n];
            for (int i = 0; i < n; i++)
            {
                double s = 0;
                for (int j = 0; j < n; j++) s += b[i * n + j] * t[j];
                r[i] = s;
            }
            return r;
        }

        var cy = InvSqrtC(yw);
        double sigmaFactor = Math.Sqrt(_cSigma * (2 - _cSigma) * _muEff);
        double normPSigma = 0;
        for (int i = 0; i < n; i++)
        {
            _pSigma[i] = (1 - _cSigma) * _pSigma[i] + sigmaFactor * cy[i];
            normPSigma += _pSigma[i] * _pSigma[i];
        }
        normPSigma = Math.Sqrt(normPSigma);
        Sigma = Math.Min(Sigma * Math.Exp(_cSigma / _dSigma * (normPSigma / _chiN - 1)), SigmaMax);

        // h_σ stalls the rank-one path while ||p_σ|| is large (p. 28).
        double hLeft = normPSigma / Math.Sqrt(1 - Math.Pow(1 - _cSigma, 2 * (Generation + 1)));
        double hSigma = hLeft < (1.4 + 2.0 / (n + 1)) * _chiN ? 1.0 : 0.0;
        double ccFactor = hSigma * Math.Sqrt(_cc * (2 - _cc) * _muEff);
        for (int i = 0; i < n; i++) _pc[i] = (1 - _cc) * _pc[i] + ccFactor * yw[i];

        // eq. 46: negative weights are rescaled by n / ||C^(-1/2) y||².
        var wio = new double[lambda];
        double weightSum = 0;
        for (int k = 0; k < lambda; k++)
        {
            weightSum += _weights[k];
            if (_weights[k] >= 0) { wio[k] = _weights[k]; continue; }
            var cyk = InvSqrtC(y[k]);
            double norm2 = 0;
            foreach (double v in cyk) norm2 += v * v;
            wio[k] = _weights[k] * n / (norm2 + Eps);
        }
        double deltaHSigma = (1 - hSigma) * _cc * (2 - _cc);
        double decay = 1 + _c1 * deltaHSigma - _c1 - _cmu * weightSum;   // eq. 47
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++)
            {
                double rankMu = 0;
                for (int k = 0; k < lambda; k++) rankMu += wio[k] * y[k][i] * y[k][j];
                _c[i * n + j] = decay * _c[i * n + j] + _c1 * _pc[i] * _pc[j] + _cmu * rankMu;
            }
    }

    /// <summary>True when the search has converged or degenerated (the stopping rules that trigger an IPOP restart).</summary>
    public bool ShouldStop()
    {
        var (b, d) = EigenDecomposition();
        int n = _n;
        if (Generation > _funHistTerm && _funHist.Max() - _funHist.Min() < _tolFun) return true;
        bool smallX = true;
        for (int i = 0; i < n; i++)
            if (!(Sigma * _c[i * n + i] < _tolX && Sigma * _pc[i] < _tolX)) { smallX = false; break; }
        if (smallX) return true;
        if (Sigma * d.Max() > _tolXUp) return true;
        for (int i = 0; i < n; i++)
            if (_mean[i] == _mean[i] + 0.2 * Sigma * Math.Sqrt(_c[i * n + i])) return true;
        int axis = Generation % n;
        bool noEffectAxis = true;
        for (int i = 0; i < n; i++)
            if (_mean[i] != _mean[i] + 0.1 * Sigma * d[axis] * b[i * n + axis]) { noEffectAxis = false; break; }
        if (noEffectAxis) return true;
        return d.Max() / d.Min() > _tolConditionCov;
    }
}
