namespace Overfit.Optim;

/// <summary>Changes the learning rate of every parameter group once per <see cref="Step()"/> (usually per epoch).</summary>
public abstract class LRScheduler
{
    /// <summary>Binds the scheduler to <paramref name="optimizer"/> and records each group's initial learning rate.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="optimizer"/> is null.</exception>
    protected LRScheduler(Optimizer optimizer)
    {
        Optimizer = optimizer ?? throw new ArgumentNullException(nameof(optimizer));
        BaseLrs = optimizer.ParamGroups.Select(g => g.InitialLr).ToArray();
    }

    /// <summary>The optimizer whose learning rates this scheduler sets.</summary>
    public Optimizer Optimizer { get; }

    /// <summary>The groups' learning rates when the scheduler was built.</summary>
    protected double[] BaseLrs { get; }

    /// <summary>Number of completed steps.</summary>
    public int LastEpoch { get; private set; }

    /// <summary>Current learning rate of each group.</summary>
    public double[] LastLr => Optimizer.ParamGroups.Select(g => g.Lr).ToArray();

    /// <summary>Advances one epoch and sets each group's learning rate.</summary>
    public void Step()
    {
        LastEpoch++;
        for (int i = 0; i < BaseLrs.Length; i++) Optimizer.ParamGroups[i].Lr = LrAt(LastEpoch, BaseLrs[i]);
    }

    /// <summary>The learning rate after <paramref name="epoch"/> steps for a group that started at <paramref name="baseLr"/>.</summary>
    protected abstract double LrAt(int epoch, double baseLr);

    /// <summary>Sets every group to its epoch-0 learning rate (for schedules whose factor applies at once).</summary>
    protected void ApplyInitial()
    {
        for (int i = 0; i < BaseLrs.Length; i++) Optimizer.ParamGroups[i].Lr = LrAt(0, BaseLrs[i]);
    }
}

/// <summary>lr = base·γ^⌊epoch/stepSize⌋.</summary>
public sealed class StepLR : LRScheduler
{
    /// <summary>Multiplies the learning rate by <paramref name="gamma"/> every <paramref name="stepSize"/> steps (like torch.optim.lr_scheduler.StepLR).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="stepSize"/> is not positive.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="optimizer"/> is null.</exception>
    public StepLR(Optimizer optimizer, int stepSize, double gamma = 0.1) : base(optimizer)
    {
        if (stepSize <= 0) throw new ArgumentOutOfRangeException(nameof(stepSize), $"stepSize must be positive, got {stepSize}");
        StepSize = stepSize;
        Gamma = gamma;
    }

    /// <summary>Steps between decays.</summary>
    public int StepSize { get; }

    /// <summary>Multiplicative decay factor γ.</summary>
    public double Gamma { get; }

    /// <inheritdoc/>
    protected override double LrAt(int epoch, double baseLr) => baseLr * Math.Pow(Gamma, epoch / StepSize);
}

/// <summary>lr = ηmin + (base − ηmin)·(1 + cos(π·epoch/Tmax))/2.</summary>
public sealed class CosineAnnealingLR : LRScheduler
{
    /// <summary>Cosine annealing from each base rate down to <paramref name="etaMin"/> over <paramref name="tMax"/> steps (like torch.optim.lr_scheduler.CosineAnnealingLR).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="tMax"/> is not positive.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="optimizer"/> is null.</exception>
    public CosineAnnealingLR(Optimizer optimizer, int tMax, double etaMin = 0) : base(optimizer)
    {
        if (tMax <= 0) throw new ArgumentOutOfRangeException(nameof(tMax), $"tMax must be positive, got {tMax}");
        TMax = tMax;
        EtaMin = etaMin;
    }

    /// <summary>Half-period Tmax of the cosine, in steps.</summary>
    public int TMax { get; }

    /// <summary>Minimum learning rate ηmin.</summary>
    public double EtaMin { get; }

    /// <inheritdoc/>
    protected override double LrAt(int epoch, double baseLr) => EtaMin + (baseLr - EtaMin) * (1 + Math.Cos(Math.PI * epoch / TMax)) / 2;
}

/// <summary>
/// Linear warm-up (PyTorch's LinearLR): the factor goes linearly from <c>startFactor</c> to
/// <c>endFactor</c> over <c>totalIters</c> steps, then stays; the initial factor applies at once.
/// </summary>
public sealed class LinearWarmupLR : LRScheduler
{
    /// <summary>Linear warm-up of the learning-rate factor (like torch.optim.lr_scheduler.LinearLR); applies startFactor immediately.</summary>
    /// <exception cref="ArgumentOutOfRangeException">startFactor is outside (0, 1], endFactor outside [0, 1], or totalIters not positive.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="optimizer"/> is null.</exception>
    public LinearWarmupLR(Optimizer optimizer, double startFactor = 1.0 / 3, double endFactor = 1.0, int totalIters = 5) : base(optimizer)
    {
        if (!(startFactor > 0 && startFactor <= 1)) throw new ArgumentOutOfRangeException(nameof(startFactor), $"startFactor must be in (0, 1], got {startFactor}");
        if (!(endFactor >= 0 && endFactor <= 1)) throw new ArgumentOutOfRangeException(nameof(endFactor), $"endFactor must be in [0, 1], got {endFactor}");
        if (totalIters <= 0) throw new ArgumentOutOfRangeException(nameof(totalIters), $"totalIters must be positive, got {totalIters}");
        StartFactor = startFactor; EndFactor = endFactor; TotalIters = totalIters;
        ApplyInitial();
    }

    /// <summary>Factor applied at step 0.</summary>
    public double StartFactor { get; }

    /// <summary>Factor reached after <see cref="TotalIters"/> steps.</summary>
    public double EndFactor { get; }

    /// <summary>Number of steps of the warm-up.</summary>
    public int TotalIters { get; }

    /// <inheritdoc/>
    protected override double LrAt(int epoch, double baseLr)
        => baseLr * (StartFactor + (EndFactor - StartFactor) * Math.Min(epoch, TotalIters) / TotalIters);
}

/// <summary>
/// Divides the learning rate by 1/factor when a monitored metric has not improved for more than
/// <c>patience</c> steps (PyTorch's ReduceLROnPlateau, relative threshold).
/// </summary>
public sealed class ReduceLROnPlateau
{
    private double _best;
    private int _badEpochs;
    private int _cooldownLeft;

    /// <summary>Reduces the learning rates when a metric plateaus (like torch.optim.lr_scheduler.ReduceLROnPlateau).</summary>
    /// <param name="optimizer">Optimizer whose groups are scaled.</param>
    /// <param name="maximize">True when a larger metric is better (PyTorch's mode='max').</param>
    /// <param name="factor">New lr = lr·factor, in [0, 1) (default 0.1).</param>
    /// <param name="patience">Steps without improvement tolerated before a reduction (default 10).</param>
    /// <param name="threshold">Minimum change that counts as an improvement (default 1e-4).</param>
    /// <param name="relativeThreshold">True: relative threshold (PyTorch's 'rel'); false: absolute ('abs').</param>
    /// <param name="cooldown">Steps to wait after a reduction before counting bad epochs again.</param>
    /// <param name="minLr">Lower bound on every learning rate.</param>
    /// <param name="eps">Reductions smaller than this are skipped.</param>
    /// <exception cref="ArgumentNullException"><paramref name="optimizer"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="factor"/> is outside [0, 1) or <paramref name="patience"/> is negative.</exception>
    public ReduceLROnPlateau(Optimizer optimizer, bool maximize = false, double factor = 0.1, int patience = 10, double threshold = 1e-4,
        bool relativeThreshold = true, int cooldown = 0, double minLr = 0, double eps = 1e-8)
    {
        Optimizer = optimizer ?? throw new ArgumentNullException(nameof(optimizer));
        if (!(factor >= 0 && factor < 1)) throw new ArgumentOutOfRangeException(nameof(factor), $"factor must be in [0, 1), got {factor}");
        if (patience < 0) throw new ArgumentOutOfRangeException(nameof(patience), $"patience must be >= 0, got {patience}");
        Maximize = maximize; Factor = factor; Patience = patience; Threshold = threshold;
        RelativeThreshold = relativeThreshold; Cooldown = cooldown; MinLr = minLr; Eps = eps;
        _best = maximize ? double.NegativeInfinity : double.PositiveInfinity;
    }

    /// <summary>The optimizer whose learning rates are reduced.</summary>
    public Optimizer Optimizer { get; }

    /// <summary>True when a larger metric is better.</summary>
    public bool Maximize { get; }

    /// <summary>Multiplier applied to the learning rate at each reduction.</summary>
    public double Factor { get; }

    /// <summary>Steps without improvement tolerated before a reduction.</summary>
    public int Patience { get; }

    /// <summary>Minimum change that counts as an improvement.</summary>
    public double Threshold { get; }

    /// <summary>True when <see cref="Threshold"/> is relative to the best value, false when absolute.</summary>
    public bool RelativeThreshold { get; }

    /// <summary>Steps to wait after a reduction before counting bad epochs again.</summary>
    public int Cooldown { get; }

    /// <summary>Lower bound on every learning rate.</summary>
    public double MinLr { get; }

    /// <summary>Minimal reduction; smaller ones are skipped.</summary>
    public double Eps { get; }

    /// <summary>Best metric seen so far (±∞ before the first step).</summary>
    public double Best => _best;

    private bool IsBetter(double a)
    {
        if (!Maximize) return RelativeThreshold ? a < _best * (1 - Threshold) : a < _best - Threshold;
        return RelativeThreshold ? a > _best * (1 + Threshold) : a > _best + Threshold;
    }

    /// <summary>Reports the metric of one epoch; may reduce the learning rates.</summary>
    public void Step(double metric)
    {
        if (IsBetter(metric)) { _best = metric; _badEpochs = 0; }
        else _badEpochs++;
        if (_cooldownLeft > 0) { _cooldownLeft--; _badEpochs = 0; }
        if (_badEpochs > Patience)
        {
            foreach (var g in Optimizer.ParamGroups)
            {
                double newLr = Math.Max(g.Lr * Factor, MinLr);
                if (g.Lr - newLr > Eps) g.Lr = newLr;
            }
            _cooldownLeft = Cooldown;
            _badEpochs = 0;
        }
    }
}
