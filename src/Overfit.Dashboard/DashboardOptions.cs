namespace Overfit.Dashboard;

/// <summary>How a dashboard serves its storage (optuna-dashboard's command-line switches).</summary>
public sealed class DashboardOptions
{
    /// <summary>Accept notes and study deletion through the API; false (the default) answers every write with 403.</summary>
    public bool AllowWrites { get; init; }

    /// <summary>fANOVA trees for the importance panel; 64 by default like Optuna's FanovaImportanceEvaluator.</summary>
    public int FanovaTrees { get; init; } = 64;
}
