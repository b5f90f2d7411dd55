namespace Overfit.NN;

/// <summary>
/// The Monte Carlo dropout predictive distribution of a regression network: T sampled outputs per point and the model
/// precision τ. The predictive mean is the sample mean; the predictive variance is 1/τ plus the (1/T) sample variance
/// (Gal &amp; Ghahramani 2016, eq. 8 in their appendix).
/// </summary>
public sealed class McRegressionPrediction
{
    /// <summary>Wraps <paramref name="samples"/> [T, N] drawn with model precision <paramref name="tau"/>.</summary>
    /// <exception cref="ArgumentException">Fewer than 2 samples or no points, a non-finite sample.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="tau"/> not a positive finite number.</exception>
    public McRegressionPrediction(double[,] samples, double tau)
    {
        ArgumentNullException.ThrowIfNull(samples);
        if (samples.GetLength(0) < 2) throw new ArgumentException($"samples: expected at least 2 stochastic passes (rows), got {samples.GetLength(0)}", nameof(samples));
        if (samples.GetLength(1) < 1) throw new ArgumentException("samples: expected at least one point (column), got none", nameof(samples));
        if (!(tau > 0) || !double.IsFinite(tau)) throw new ArgumentOutOfRangeException(nameof(tau), $"tau: expected a positive precision, got {tau}");
        foreach (double v in samples)
            if (!double.IsFinite(v)) throw new ArgumentException($"samples: expected finite network outputs, got {v}", nameof(samples));
        Samples = samples;
        Tau = tau;
        int t = samples.GetLength(0), n = samples.GetLength(1);
        Mean = new double[n];
        ModelVariance = new double[n];
        for (int i = 0; i < n; i++)
        {
            double sum = 0;
            for (int s = 0; s < t; s++) sum += samples[s, i];
            double mean = sum / t, squares = 0;
            for (int s = 0; s < t; s++) squares += (samples[s, i] - mean) * (samples[s, i] - mean);
            Mean[i] = mean;
            ModelVariance[i] = squares / t;
        }
        Variance = ModelVariance.Select(v => v + 1 / tau).ToArray();
    }

    /// <summary>Sampled outputs, shape [T, N].</summary>
    public double[,] Samples { get; }

    /// <summary>Model precision τ (inverse observation-noise variance) in the outputs' units.</summary>
    public double Tau { get; }

    /// <summary>Number of stochastic passes T.</summary>
    public int Passes => Samples.GetLength(0);

    /// <summary>Predictive mean per point (the MC average), length N.</summary>
    public double[] Mean { get; }

    /// <summary>Spread of the passes per point, (1/T)Σ(ŷ_t − mean)², the model (epistemic) part of the variance.</summary>
    public double[] ModelVariance { get; }

    /// <summary>Predictive variance per point: 1/τ + <see cref="ModelVariance"/>.</summary>
    public double[] Variance { get; }

    /// <summary>
    /// The same distribution for targets y = <paramref name="shift"/> + <paramref name="scale"/>·ŷ (undoing a standardization):
    /// samples mapped, τ divided by scale².
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="scale"/> not positive or either argument not finite.</exception>
    public McRegressionPrediction Rescale(double shift, double scale)
    {
        if (!(scale > 0) || !double.IsFinite(scale)) throw new ArgumentOutOfRangeException(nameof(scale), $"scale: expected a positive number, got {scale}");
        if (!double.IsFinite(shift)) throw new ArgumentOutOfRangeException(nameof(shift), $"shift: expected a finite number, got {shift}");
        var mapped = new double[Samples.GetLength(0), Samples.GetLength(1)];
        for (int s = 0; s < mapped.GetLength(0); s++)
            for (int i = 0; i < mapped.GetLength(1); i++) mapped[s, i] = shift + scale * Samples[s, i];
        return new McRegressionPrediction(mapped, Tau / (scale * scale));
    }

    /// <summary>Root mean squared error of the predictive mean against <paramref name="y"/> (length N).</summary>
    public double Rmse(IReadOnlyList<double> y)
    {
        CheckTargets(y);
        double sum = 0;
        for (int i = 0; i < Mean.Length; i++) sum += (y[i] - Mean[i]) * (y[i] - Mean[i]);
        return Math.Sqrt(sum / Mean.Length);
    }

    /// <summary>Test log-likelihood averaged over the points (<see cref="TestLogLikelihood"/>).</summary>
    public double LogLikelihood(IReadOnlyList<double> y) => TestLogLikelihood(Samples, y, Tau);

    /// <summary>
    /// The paper's test log-likelihood: the mean over points i of
    /// logsumexp_t(−τ/2·(y_i − ŷ_ti)²) − log T − ½·log 2π + ½·log τ, the log density of y_i under the equal-weight mixture
    /// of N(ŷ_ti, 1/τ) (computed with the log-sum-exp shift, so large residuals do not underflow).
    /// </summary>
    /// <param name="samples">Sampled predictions [T, N].</param>
    /// <param name="y">Targets, length N.</param>
    /// <param name="tau">Model precision τ &gt; 0.</param>
    /// <exception cref="ArgumentException">Lengths disagree or a target is not finite.</exception>
    public static double TestLogLikelihood(double[,] samples, IReadOnlyList<double> y, double tau)
    {
        ArgumentNullException.ThrowIfNull(samples);
        ArgumentNullException.ThrowIfNull(y);
        if (!(tau > 0) || !double.IsFinite(tau)) throw new ArgumentOutOfRangeException(nameof(tau), $"tau: expected a positive precision, got {tau}");
        int t = samples.GetLength(0), n = samples.GetLength(1);
        if (t < 1 || y.Count != n) throw new ArgumentException($"y: expected {n} targets (one per sampled column), got {y.Count}", nameof(y));
        double constant = -Math.Log(t) - 0.5 * Math.Log(2 * Math.PI) + 0.5 * Math.Log(tau);
        var terms = new double[t];
        double total = 0;
        for (int i = 0; i < n; i++)
        {
            if (!double.IsFinite(y[i])) throw new ArgumentException($"y: expected finite targets, got {y[i]} at index {i}", nameof(y));
            double max = double.NegativeInfinity;
            for (int s = 0; s < t; s++)
            {
                double r = y[i] - samples[s, i];
                terms[s] = -0.5 * tau * r * r;
                max = Math.Max(max, terms[s]);
            }
            double sum = 0;
            for (int s = 0; s < t; s++) sum += Math.Exp(terms[s] - max);
            total += max + Math.Log(sum) + constant;
        }
        return total / n;
    }

    private void CheckTargets(IReadOnlyList<double> y)
    {
        ArgumentNullException.ThrowIfNull(y);
        if (y.Count != Mean.Length) throw new ArgumentException($"y: expected {Mean.Length} targets, got {y.Count}", nameof(y));
    }
}

/// <summary>The Monte Carlo dropout predictive distribution of a classifier: mean class probabilities and uncertainty per input.</summary>
public sealed class McClassificationPrediction
{
    internal McClassificationPrediction(double[,] probabilities, double[] expectedEntropy, int passes)
    {
        Probabilities = probabilities;
        Passes = passes;
        int n = probabilities.GetLength(0), c = probabilities.GetLength(1);
        Entropy = new double[n];
        MutualInformation = new double[n];
        Predicted = new int[n];
        for (int i = 0; i < n; i++)
        {
            double h = 0;
            int best = 0;
            for (int j = 0; j < c; j++)
            {
                double p = probabilities[i, j];
                if (p > 0) h -= p * Math.Log(p);
                if (p > probabilities[i, best]) best = j;
            }
            Entropy[i] = h;
            // Round-off can make the difference a hair negative when all passes agree.
            MutualInformation[i] = Math.Max(0, h - expectedEntropy[i]);
            Predicted[i] = best;
        }
    }

    /// <summary>Mean softmax probabilities over the passes, shape [N, C].</summary>
    public double[,] Probabilities { get; }

    /// <summary>Number of stochastic passes T.</summary>
    public int Passes { get; }

    /// <summary>Predictive entropy −Σ_c p̄_c·log p̄_c per input, in nats (0 … log C).</summary>
    public double[] Entropy { get; }

    /// <summary>Mutual information between the prediction and the weights (entropy minus the mean per-pass entropy), nats.</summary>
    public double[] MutualInformation { get; }

    /// <summary>Class with the highest mean probability per input.</summary>
    public int[] Predicted { get; }
}
