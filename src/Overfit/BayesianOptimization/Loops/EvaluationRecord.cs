namespace Overfit.BayesianOptimization;

/// <summary>Outcome of one objective call.</summary>
public enum EvaluationStatus
{
    /// <summary>The objective returned a finite value.</summary>
    Complete,
    /// <summary>The objective returned NaN or an infinity; the point is excluded from the model.</summary>
    Invalid,
    /// <summary>The objective threw; the point is excluded from the model and the loop goes on.</summary>
    Failed,
}

/// <summary>One objective evaluation of a loop: where, what came back, and the best target so far.</summary>
public sealed record EvaluationRecord(int Index, double[] Parameters, double Target, EvaluationStatus Status, string? Error, double BestSoFar);

/// <summary>Shared bookkeeping of the two loops: evaluates safely, logs every evaluation and the best so far.</summary>
internal sealed class EvaluationLog(TextWriter? log)
{
    public List<EvaluationRecord> Records { get; } = [];
    public List<string> Warnings { get; } = [];
    public double Best { get; private set; } = double.NegativeInfinity;
    public int BestIndex { get; private set; } = -1;

    public EvaluationRecord Evaluate(double[] x, Func<double[], double> objective, Func<double[], string> describe)
    {
        double target;
        EvaluationStatus status = EvaluationStatus.Complete;
        string? error = null;
        try
        {
            target = objective(x);
            if (!double.IsFinite(target))
            {
                status = EvaluationStatus.Invalid;
                error = $"objective returned {target}";
            }
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            target = double.NaN;
            status = EvaluationStatus.Failed;
            error = $"{ex.GetType().Name}: {ex.Message}";
        }
        int index = Records.Count;
        if (status == EvaluationStatus.Complete && target > Best) { Best = target; BestIndex = index; }
        var record = new EvaluationRecord(index, (double[])x.Clone(), target, status, error, Best);
        Records.Add(record);
        if (status != EvaluationStatus.Complete)
        {
            string warning = $"evaluation {index} at {describe(x)}: {error}; the point is excluded from the model";
            Warnings.Add(warning);
            log?.WriteLine($"warning: {warning}");
        }
        log?.WriteLine(FormattableString.Invariant($"| {index,4} | {target,12:G6} | {Best,12:G6} | {describe(x)}"));
        return record;
    }

    /// <summary>Inputs (row-major) and targets of the complete evaluations.</summary>
    public (double[] X, double[] Y) Observations(int d)
    {
        var ok = Records.Where(r => r.Status == EvaluationStatus.Complete).ToArray();
        var x = new double[ok.Length * d];
        for (int i = 0; i < ok.Length; i++) ok[i].Parameters.CopyTo(x, i * d);
        return (x, ok.Select(r => r.Target).ToArray());
    }
}
