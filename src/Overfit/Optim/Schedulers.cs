namespace Overfit.Optim;

/// <summary>Changes the learning rate of every parameter group once per <see cref="Step()"/> (usually per epoch).</summary>
public abstract class LRScheduler
{
    protected LRScheduler(Optimizer optimizer)
    {
        Optimizer = optimizer ?? throw new ArgumentNullException(nameof(optimizer));
        BaseLrs = optimizer.ParamGroups.Select(g => g.InitialLr).ToArray();
    }

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

    protected void ApplyInitial()
    {
        for (int i = 0; i < BaseLrs.Length; i++) Optimizer.ParamGroups[i].Lr = LrAt(0, BaseLrs[i]);
    }
}

/// <summary>lr = base·γ^⌊epoch/stepSize⌋.</summary>
public sealed class StepLR : LRScheduler
{
    public StepLR(Optimizer optimizer, int stepSize, double gamma = 0.1) : base(optimizer)
    {
        if (stepSize <= 0) throw new ArgumentOutOfRangeException(nameof(stepSize), $"stepSize must be positive, got {stepSize}");
        StepSize = stepSize;
        Gamma = gamma;
    }

    public int StepSize { get; }

    public double Gamma { get; }

    protected override double LrAt(int epoch, double baseLr) => baseLr * Math.Pow(Gamma, epoch / StepSize);
}

/// <summary>lr = ηmin + (base − ηmin)·(1 + cos(π·epoch/Tmax))/2.</summary>
public sealed class CosineAnnealingLR : LRScheduler
{
    public CosineAnnealingLR(Optimizer optimizer, int tMax, double etaMin = 0) : base(optimizer)
    {
        if (tMax <= 0) throw new ArgumentOutOfRangeException(nameof(tMax), $"tMax must be positive, got {tMax}");
        TMax = tMax;
        EtaMin = etaMin;
    }

    public int TMax { get; }

    public double EtaMin { get; }

    protected override double LrAt(int epoch, double baseLr) => EtaMin + (baseLr - EtaMin) * (1 + Math.Cos(Math.PI * epoch / TMax)) / 2;
}

/// <summary>
/// Linear warm-up (PyTorch's LinearLR): the factor goes linearly from <c>startFactor</c> to
/// <c>endFactor</c> over <c>totalIters</c> steps, then stays; the initial factor applies at once.
/// </summary>
public sealed class LinearWarmupLR : LRScheduler
{
    public LinearWarmupLR(Optimizer optimizer, double startFactor = 1.0 / 3, double endFactor = 1.0, int totalIters = 5) : base(optimizer)
    {
        if (!(startFactor > 0 && startFactor <= 1)) throw new ArgumentOutOfRangeException(nameof(startFactor), $"startFactor must be in (0, 1], got {startFactor}");
        if (!(endFactor >= 0 && endFactor <= 1)) throw new ArgumentOutOfRangeException(nameof(endFactor), $"endFactor must be in [0, 1], got {endFactor}");
        if (totalIters <= 0) throw new ArgumentOutOfRangeException(nameof(totalIters), $"totalIters must be positive, got {totalIters}");
        StartFactor = startFactor; EndFactor = endFactor; TotalIters = totalIters;
        ApplyInitial();
    }

    public double StartFactor { get; }

    public double EndFactor { get; }

    public int TotalIters { get; }

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

    public Optimizer Optimizer { get; }

    public bool Maximize { get; }

    public double Factor { get; }

    public int Patience { get; }

    public double Threshold { get; }

    public bool RelativeThreshold { get; }

    public int Cooldown { get; }

    public double MinLr { get; }

    public double Eps { get; }

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
