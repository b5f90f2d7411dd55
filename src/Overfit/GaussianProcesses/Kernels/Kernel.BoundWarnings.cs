using System.Globalization;

namespace Overfit.GaussianProcesses;

public abstract partial class Kernel
{
    /// <summary>
    /// scikit-learn's ConvergenceWarning after a fit (<c>Kernel._check_bounds_params</c>): one message for every free
    /// hyperparameter dimension whose log value is within numpy.isclose's tolerance (1e-8 + 1e-5·|θ|) of its log bound.
    /// </summary>
    internal IReadOnlyList<string> BoundWarnings()
    {
        var warnings = new List<string>();
        foreach (var h in Hyperparameters)
        {
            if (h.IsFixed) continue;
            double lower = Math.Log(h.Lower), upper = Math.Log(h.Upper);
            for (int dim = 0; dim < h.Count; dim++)
            {
                double theta = Math.Log(h.Values[dim]), tolerance = 1e-8 + 1e-5 * Math.Abs(theta);
                if (Math.Abs(lower - theta) <= tolerance)
                    warnings.Add(string.Create(CultureInfo.InvariantCulture,
                        $"The optimal value found for dimension {dim} of parameter {h.Name} is close to the specified lower bound {PythonFloat(h.Lower)}. Decreasing the bound and calling fit again may find a better value."));
                else if (Math.Abs(upper - theta) <= tolerance)
                    warnings.Add(string.Create(CultureInfo.InvariantCulture,
                        $"The optimal value found for dimension {dim} of parameter {h.Name} is close to the specified upper bound {PythonFloat(h.Upper)}. Increasing the bound and calling fit again may find a better value."));
            }
        }
        return warnings;
    }

    /// <summary>A bound as Python prints a float (100.0, 0.001, 1e-08), so the messages read exactly like scikit-learn's.</summary>
    internal static string PythonFloat(double value)
    {
        string r = value.ToString("R", CultureInfo.InvariantCulture);
        int e = r.IndexOf('E');
        if (e < 0) return r.Contains('.') ? r : r + ".0";
        int exponent = int.Parse(r[(e + 1)..], CultureInfo.InvariantCulture);
        return string.Create(CultureInfo.InvariantCulture, $"{r[..e]}e{(exponent < 0 ? '-' : '+')}{Math.Abs(exponent):00}");
    }
}
