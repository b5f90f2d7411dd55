using Overfit.LinearModels.Internal;

namespace Overfit.LinearModels;

/// <summary>
/// All monomials of the input features with total degree in [MinDegree, MaxDegree] (scikit-learn's
/// PolynomialFeatures): [a, b] with degree 2 → [1, a, b, a², ab, b²]. Columns come degree by degree, each degree in
/// lexicographic order of feature indices; the bias column "1" comes first when included.
/// </summary>
public sealed class PolynomialFeatures : ITransformer
{
    /// <summary>Monomials of degree 0..degree (like sklearn.preprocessing.PolynomialFeatures).</summary>
    /// <param name="degree">Maximum total degree (default 2).</param>
    /// <param name="includeBias">Include the constant column "1".</param>
    /// <param name="interactionOnly">Only products of distinct features (no powers).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="degree"/> is negative.</exception>
    /// <exception cref="ArgumentException">degree 0 without the bias column.</exception>
    public PolynomialFeatures(int degree = 2, bool includeBias = true, bool interactionOnly = false)
        : this((0, degree), includeBias, interactionOnly, nameof(degree)) { }

    /// <summary>Monomials with total degree in [degree.Min, degree.Max] (scikit-learn's degree=(min, max)).</summary>
    /// <exception cref="ArgumentOutOfRangeException">Not 0 ≤ min ≤ max.</exception>
    /// <exception cref="ArgumentException">degree 0 without the bias column.</exception>
    public PolynomialFeatures((int Min, int Max) degree, bool includeBias = true, bool interactionOnly = false)
        : this(degree, includeBias, interactionOnly, nameof(degree)) { }

    private PolynomialFeatures((int Min, int Max) degree, bool includeBias, bool interactionOnly, string argName)
    {
        if (degree.Max < 0) throw new ArgumentOutOfRangeException(argName, degree.Max, $"{argName} must be >= 0, got {degree.Max}");
        if (degree.Min < 0 || degree.Min > degree.Max)
            throw new ArgumentOutOfRangeException(argName, degree, $"{argName} as (min, max) must satisfy 0 <= min <= max, got ({degree.Min}, {degree.Max})");
        if (degree.Max == 0 && !includeBias)
            throw new ArgumentException($"{argName} = 0 with includeBias = false would produce no features at all; include the bias or raise the degree", argName);
        MinDegree = degree.Min; MaxDegree = degree.Max; IncludeBias = includeBias; InteractionOnly = interactionOnly;
    }

    /// <summary>Lowest total degree kept.</summary>
    public int MinDegree { get; }
    /// <summary>Highest total degree kept.</summary>
    public int MaxDegree { get; }
    /// <summary>Whether the constant column is included.</summary>
    public bool IncludeBias { get; }
    /// <summary>Whether only products of distinct features are kept.</summary>
    public bool InteractionOnly { get; }

    /// <summary>Number of input features seen by Fit (0 before).</summary>
    public int InputFeatures { get; private set; }

    /// <summary>Exponent of every input feature in every output column: [output][input].</summary>
    public int[][] Powers { get; private set; } = [];

    /// <summary>Number of output columns (after Fit).</summary>
    public int OutputFeatures => Powers.Length;

    /// <summary>Records the number of features of x (n×p) and the output monomials.</summary>
    /// <exception cref="ArgumentException">x is empty.</exception>
    public PolynomialFeatures Fit(double[,] x)
    {
        var v = DenseInput.Matrix(x, nameof(x));
        InputFeatures = v.Cols;
        Powers = Combinations(v.Cols).Select(c =>
        {
            var pw = new int[v.Cols];
            foreach (var f in c) pw[f]++;
            return pw;
        }).ToArray();
        return this;
    }

    /// <summary>The monomials of every row of x (m×p), giving m×<see cref="OutputFeatures"/>.</summary>
    /// <exception cref="InvalidOperationException">Not fitted yet.</exception>
    /// <exception cref="ArgumentException">x has a different number of features than at Fit.</exception>
    public double[,] Transform(double[,] x)
    {
        if (InputFeatures == 0) throw new InvalidOperationException("PolynomialFeatures is not fitted yet: call Fit before Transform");
        var v = DenseInput.Matrix(x, nameof(x));
        DenseInput.CheckFeatures(InputFeatures, v.Cols, nameof(x));
        var src = v.Span;
        int n = v.Rows, p = v.Cols, m = Powers.Length;
        var flat = new double[n * m];
        for (int i = 0; i < n; i++)
        {
            var row = src.Slice(i * p, p);
            for (int k = 0; k < m; k++)
            {
                double prod = 1;
                var pw = Powers[k];
                for (int f = 0; f < p; f++)
                    for (int e = 0; e < pw[f]; e++) prod *= row[f];
                flat[i * m + k] = prod;
            }
        }
        return DenseInput.ToArray2D(flat, n, m);
    }

    /// <summary>Fit then Transform on the same x.</summary>
    public double[,] FitTransform(double[,] x) => Fit(x).Transform(x);

    /// <summary>Transform on a tensor [m, p], giving a Float64 tensor [m, OutputFeatures].</summary>
    public Overfit.Tensors.Tensor Transform(Overfit.Tensors.Tensor x) => Overfit.Tensors.Tensor.FromArray(Transform(x.ToMatrix()));

    /// <summary>Output column names like scikit-learn's get_feature_names_out: "1", "x0", "x0^2", "x0 x1".</summary>
    public string[] GetFeatureNames(string[]? inputNames = null)
    {
        if (InputFeatures == 0) throw new InvalidOperationException("PolynomialFeatures is not fitted yet: call Fit before GetFeatureNames");
        var names = inputNames ?? Enumerable.Range(0, InputFeatures).Select(i => $"x{i}").ToArray();
        if (names.Length != InputFeatures)
            throw new ArgumentException($"inputNames must hold {InputFeatures} names, got {names.Length}", nameof(inputNames));
        return Powers.Select(pw =>
        {
            var parts = Enumerable.Range(0, pw.Length).Where(f => pw[f] > 0).Select(f => pw[f] == 1 ? names[f] : $"{names[f]}^{pw[f]}").ToArray();
            return parts.Length == 0 ? "1" : string.Join(" ", parts);
        }).ToArray();
    }

    ITransformer ITransformer.Fit(double[,] x) => Fit(x);

    /// <inheritdoc/>
    public ITransformer CloneUnfitted() => new PolynomialFeatures((MinDegree, MaxDegree), IncludeBias, InteractionOnly);

    private IEnumerable<int[]> Combinations(int features)
    {
        if (IncludeBias) yield return [];
        for (int d = Math.Max(1, MinDegree); d <= MaxDegree; d++)
            foreach (var c in CombinationsOf(features, d, 0, InteractionOnly)) yield return c;
    }

    /// <summary>Non-decreasing (strictly increasing when interaction-only) index tuples of length d, lexicographic.</summary>
    private static IEnumerable<int[]> CombinationsOf(int features, int d, int start, bool strict)
    {
        if (d == 0) { yield return []; yield break; }
        for (int f = start; f < features; f++)
            foreach (var rest in CombinationsOf(features, d - 1, strict ? f + 1 : f, strict))
                yield return [f, .. rest];
    }
}
