using System.Text.Json;
using Overfit.Tensors.Kernels;

namespace Overfit.Tests.Linalg;

/// <summary>
/// DenseLinalg.SymmetricEigen against numpy.linalg.eigh (tests/fixtures/reference/linalg/eigh.json, written by
/// eigh_reference.py beside it): eigenvalues ascending and eigenvectors (columns, largest component positive) to 1e-10.
/// </summary>
public class EighReferenceTests
{
    private sealed record Case(string Name, int N, double[] A, double[] Values, double[]? Vectors);

    private static readonly Lazy<Case[]> Cases = new(() =>
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "fixtures", "reference", "linalg", "eigh.json")));
        return doc.RootElement.GetProperty("cases").EnumerateArray().Select(c => new Case(
            c.GetProperty("name").GetString()!,
            c.GetProperty("n").GetInt32(),
            Doubles(c.GetProperty("a")),
            Doubles(c.GetProperty("values")),
            c.TryGetProperty("vectors", out var v) ? Doubles(v) : null)).ToArray();
    });

    private static double[] Doubles(JsonElement e) => e.EnumerateArray().Select(x => x.GetDouble()).ToArray();

    public static TheoryData<string> Names => new(["random", "gram", "repeated"]);

    [Theory, MemberData(nameof(Names))]
    public void MatchesNumpyEigh(string name)
    {
        var c = Cases.Value.Single(x => x.Name == name);
        int n = c.N;
        var values = new double[n];
        var vectors = new double[n * n];
        DenseLinalg.SymmetricEigen(c.A, n, values, vectors);
        for (int j = 0; j < n; j++)
            Assert.True(Math.Abs(values[j] - c.Values[j]) <= 1e-10, $"{name}: eigenvalue {j} is {values[j]}, numpy {c.Values[j]}");
        if (c.Vectors is { } reference)
        {
            for (int i = 0; i < n * n; i++)
                Assert.True(Math.Abs(vectors[i] - reference[i]) <= 1e-10, $"{name}: V[{i / n},{i % n}] is {vectors[i]}, numpy {reference[i]}");
        }
        // A·V = V·diag(λ) holds whether or not the eigenvectors are unique.
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++)
            {
                double av = 0;
                for (int k = 0; k < n; k++) av += c.A[i * n + k] * vectors[k * n + j];
                Assert.True(Math.Abs(av - values[j] * vectors[i * n + j]) <= 1e-10, $"{name}: (AV - VΛ)[{i},{j}] = {av - values[j] * vectors[i * n + j]}");
            }
    }
}
