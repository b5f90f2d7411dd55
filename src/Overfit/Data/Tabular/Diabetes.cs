using System.Globalization;
using System.Reflection;

namespace Overfit.Data.Tabular;

/// <summary>A tabular regression dataset: features [n, d] in Float64, targets [n] and the column names.</summary>
public sealed record TabularDataset(double[,] X, double[] Y, IReadOnlyList<string> FeatureNames);

/// <summary>
/// The diabetes data of Efron, Hastie, Johnstone and Tibshirani (2004), "Least Angle Regression": 442 patients,
/// ten baseline variables (age, sex, bmi, bp, s1..s6) and a quantitative measure of disease progression one year
/// later. The same numbers as <c>sklearn.datasets.load_diabetes</c>; shipped inside the library (see
/// Diabetes.LICENSE.md beside this file), so it is available offline.
/// </summary>
public static class Diabetes
{
    /// <summary>Number of patients (rows).</summary>
    public const int Rows = 442;

    /// <summary>
    /// Loads the data. With <paramref name="scaled"/> (the default, like scikit-learn's <c>load_diabetes()</c>)
    /// every feature column is mean-centred and divided by its standard deviation times sqrt(n), so each column's
    /// sum of squares is 1; with <c>scaled: false</c> the raw clinical values are returned
    /// (<c>load_diabetes(scaled=False)</c>). Targets are never scaled.
    /// </summary>
    public static TabularDataset Load(bool scaled = true)
    {
        string[] lines = ReadResource();
        string[] header = lines[0].Split(',');
        int d = header.Length - 1;
        var x = new double[Rows, d];
        var y = new double[Rows];
        if (lines.Length - 1 != Rows)
            throw new InvalidDataException($"The embedded diabetes table has {lines.Length - 1} rows, expected {Rows}.");
        for (int i = 0; i < Rows; i++)
        {
            string[] cells = lines[i + 1].Split(',');
            for (int j = 0; j < d; j++) x[i, j] = double.Parse(cells[j], CultureInfo.InvariantCulture);
            y[i] = double.Parse(cells[d], CultureInfo.InvariantCulture);
        }
        if (scaled) ScaleColumnsToUnitNorm(x);
        return new TabularDataset(x, y, header[..d]);
    }

    // scikit-learn: scale(data) then data /= sqrt(n), i.e. (x - mean) / sqrt(sum((x - mean)^2)).
    private static void ScaleColumnsToUnitNorm(double[,] x)
    {
        int n = x.GetLength(0);
        for (int j = 0; j < x.GetLength(1); j++)
        {
            double mean = 0;
            for (int i = 0; i < n; i++) mean += x[i, j];
            mean /= n;
            double sumSquares = 0;
            for (int i = 0; i < n; i++) sumSquares += (x[i, j] - mean) * (x[i, j] - mean);
            double norm = Math.Sqrt(sumSquares);
            for (int i = 0; i < n; i++) x[i, j] = (x[i, j] - mean) / norm;
        }
    }

    private static string[] ReadResource()
    {
        using Stream stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("Overfit.Data.Tabular.diabetes.csv")
            ?? throw new InvalidOperationException("The embedded diabetes table is missing from the Overfit assembly.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
    }
}
