namespace Overfit.BayesianOptimization;

/// <summary>
/// Joe &amp; Kuo (2008, new-joe-kuo-6.21201) primitive polynomials and initial direction numbers for the first
/// 32 Sobol dimensions. Produced by tests/fixtures/reference/bo/bo_sobol_reference.py from the table scipy ships.
/// </summary>
internal static class SobolDirectionNumbers
{
    /// <summary>Primitive polynomial per dimension, with its leading and trailing one bits (1 = van der Corput).</summary>
    internal static readonly int[] Polynomials =
    [
        1, 3, 7, 11, 13, 19, 25, 37, 41, 47, 55, 59, 61, 67, 91, 97, 103, 109, 115, 131, 137, 143, 145, 157, 167, 171,
        185, 191, 193, 203, 211, 213,
    ];

    /// <summary>Initial direction numbers m_1..m_s (s = polynomial degree; at least one entry).</summary>
    internal static readonly int[][] Initial =
    [
        [1], [1], [1, 3], [1, 3, 1], [1, 1, 1], [1, 1, 3, 3], [1, 3, 5, 13], [1, 1, 5, 5, 17], [1, 1, 5, 5, 5],
        [1, 1, 7, 11, 19], [1, 1, 5, 1, 1], [1, 1, 1, 3, 11], [1, 3, 5, 5, 31], [1, 3, 3, 9, 7, 49],
        [1, 1, 1, 15, 21, 21], [1, 3, 1, 13, 27, 49], [1, 1, 1, 15, 7, 5], [1, 3, 1, 15, 13, 25],
        [1, 1, 5, 5, 19, 61], [1, 3, 7, 11, 23, 15, 103], [1, 3, 7, 13, 13, 15, 69], [1, 1, 3, 13, 7, 35, 63],
        [1, 3, 5, 9, 1, 25, 53], [1, 3, 1, 13, 9, 35, 107], [1, 3, 1, 5, 27, 61, 31], [1, 1, 5, 11, 19, 41, 61],
        [1, 3, 5, 3, 3, 13, 69], [1, 1, 7, 13, 1, 19, 1], [1, 3, 7, 5, 13, 19, 59], [1, 1, 3, 9, 25, 29, 41],
        [1, 3, 5, 13, 23, 1, 55], [1, 3, 7, 3, 13, 59, 17],
    ];
}
