using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Overfit.Tensors.Kernels;

/// <summary>
/// The fast path of Float32 GELU on 512-bit lanes, for vectors whose every lane has |x| &lt; <see cref="Limit"/> (all
/// but about one in a thousand vectors of standard normal data; the rest, ±∞ and NaN take <see cref="GeluSingleOp"/>'s
/// general path). Φ(−a), a = |x|, is a degree-5 polynomial on each of 32 pieces [j/8, (j+1)/8), its coefficients
/// looked up per lane with one two-register permute each (vpermi2ps: a 32-entry table in two vectors). No division and
/// no exponential: about 25 vector instructions per 16 values against about 120 on the general path, which is what
/// made Float32 GELU 2.7× slower than PyTorch's (PyTorch 1.13 computes 0.5·x·(1 + erf(x/√2)) with an
/// Abramowitz–Stegun style erf, an exponential and a division, and is not within 2 ulp).
/// Accuracy: each piece fits Φ(−a) to a relative 2⁻²⁶·⁵ with float coefficients (the constant as hi + lo), fitted by
/// tests/fixtures/reference/gelu/fit_gelu_float32_table.py. Then x·Φ(−a) for x &lt; 0 and x − x·Φ(−a) (one FMA, no
/// cancellation: the result is at least x/2) for x ≥ 0, within 2 ulp (TranscendentalUlpTests). The polynomial's
/// variable u = 8a − (j + 1/2) is exact, because 8a is: rounding a itself would cost up to a²·2⁻²⁴ in Φ(−a).
/// </summary>
internal static partial class GeluSingleTable
{
    /// <summary>The fast path covers |x| below this.</summary>
    public const float Limit = 4f;

    /// <summary>Pieces per unit of |x| (a power of two, so 8|x| is exact).</summary>
    private const float Scale = 8f;

    /// <summary>Elements per check of <see cref="Map"/> for values beyond the table (a multiple of two 512-bit blocks).</summary>
    private const int Chunk = 256;

    /// <summary>2²³: adding it to 8|x| &lt; 32 leaves the piece's number in the low mantissa bits.</summary>
    private const float IndexShift = 8388608f;

    // One table per coefficient, entry j for the piece [j/8, (j+1)/8), from fit_gelu_float32_table.txt.
    private static readonly float[] s_c5 =
    [
        -3.0113315574453736e-07f, -2.7786049372480193e-07f, -2.338636591048271e-07f, -1.7379315409016272e-07f,
        -1.038220815985369e-07f, -3.0835337838652777e-08f, 3.84338463277345e-08f, 9.818902668712326e-08f,
        1.441673305180302e-07f, 1.7397799467744335e-07f, 1.8715969929417042e-07f, 1.8498161580282613e-07f,
        1.7004968810852006e-07f, 1.4580206197933876e-07f, 1.1598184102012965e-07f, 8.416466101834885e-08f,
        5.3396377097669756e-08f, 2.5969290717853255e-08f, 3.338623155713094e-09f, -1.384028092132894e-08f,
        -2.558696010623862e-08f, -3.2421141327176883e-08f, -3.517413560416571e-08f, -3.48148532225423e-08f,
        -3.230905321061073e-08f, -2.8520462436176786e-08f, -2.4153928634973454e-08f, -1.9734791578684963e-08f,
        -1.5615443160754694e-08f, -1.199923804762193e-08f, -8.972832254983132e-09f, -6.539962349449979e-09f,
    ];

    private static readonly float[] s_c4 =
    [
        -7.57709244680882e-07f, -2.214567075498053e-06f, -3.5020468658331083e-06f, -4.5273736759554595e-06f,
        -5.225096629146719e-06f, -5.562726983043831e-06f, -5.5421451179427095e-06f, -5.196834081289126e-06f,
        -4.585625902109314e-06f, -3.78408981305256e-06f, -2.874925939977402e-06f, -1.9387264273973415e-06f,
        -1.0462448472026153e-06f, -2.52940822065284e-07f, 4.0386521504842676e-07f, 9.053115377355425e-07f,
        1.2492114365159068e-06f, 1.4467966593656456e-06f, 1.5186931250354974e-06f, 1.4907891454640776e-06f,
        1.3905206515119062e-06f, 1.243917949977913e-06f, 1.0735731166278129e-06f, 8.975218293016951e-07f,
        7.289185077752336e-07f, 5.763120611845807e-07f, 4.4431155288293667e-07f, 3.344430865581671e-07f,
        2.4603940573797445e-07f, 1.7705002619550214e-07f, 1.247081229394098e-07f, 8.603024781450586e-08f,
    ];

    private static readonly float[] s_c3 =
    [
        0.00012910430086776614f, 0.0001231151691172272f, 0.00011159759742440656f, 9.54235511017032e-05f,
        7.578438817290589e-05f, 5.4068721510702744e-05f, 3.172606375301257e-05f, 1.0133431715075858e-05f,
        -9.51974288909696e-06f, -2.6316418370697647e-05f, -3.965978976339102e-05f, -4.928296766593121e-05f,
        -5.522430728888139e-05f, -5.777619298896752e-05f, -5.7417157222516835e-05f, -5.4737778555136174e-05f,
        -5.0369708333164454e-05f, -4.492506923270412e-05f, -3.895066402037628e-05f, -3.2898726203711703e-05f,
        -2.7113557734992355e-05f, -2.1831554477103055e-05f, -1.7191277947858907e-05f, -1.3249765288492199e-05f,
        -1.000168140308233e-05f, -7.398481102427468e-06f, -5.365605375118321e-06f, -3.816570369963301e-06f,
        -2.6635054837242933e-06f, -1.8242628812004114e-06f, -1.226551944455423e-06f, -8.097424029074318e-07f,
    ];

    private static readonly float[] s_c2 =
    [
        0.000194415872101672f, 0.0005742052453570068f, 0.0009275646298192441f, 0.0012391237542033195f,
        0.0014966345624998212f, 0.001691751996986568f, 0.0018204228254035115f, 0.0018828652100637555f,
        0.0018831725465133786f, 0.0018286143895238638f, 0.001728738658130169f, 0.0015943862963467836f,
        0.0014367311960086226f, 0.0012664359528571367f, 0.001092988415621221f, 0.0009242543601430953f,
        0.0007662493735551834f, 0.0006231100996956229f, 0.0004972252063453197f, 0.0003894797118846327f,
        0.0002995622344315052f, 0.0002262917550979182f, 0.00016792835958767682f, 0.00012244321987964213f,
        8.773492299951613e-05f, 6.178743933560327e-05f, 4.277339030522853e-05f, 2.9110013201716356e-05f,
        1.9478280592011288e-05f, 1.2815569789381698e-05f, 8.291632184409536e-06f, 5.275810508464929e-06f,
    ];

    private static readonly float[] s_c1 =
    [
        -0.04977048188447952f, -0.048998862504959106f, -0.04749132692813873f, -0.04531653970479965f,
        -0.04257094860076904f, -0.03937169164419174f, -0.035848334431648254f, -0.03213423863053322f,
        -0.02835836634039879f, -0.02463817596435547f, -0.021074147894978523f, -0.01774621196091175f,
        -0.01471212599426508f, -0.012007687240839005f, -0.00964844785630703f, -0.007632550783455372f,
        -0.005944236181676388f, -0.004557603970170021f, -0.003440260188654065f, -0.002556584309786558f,
        -0.0018704369431361556f, -0.001347225159406662f, -0.000955325725954026f, -0.0006669248687103391f,
        -0.0004583702830132097f, -0.00031014884007163346f, -0.00020660368318203837f, -0.00013549400318879634f,
        -8.748150139581412e-05f, -5.5606626119697466e-05f, -3.479773658909835e-05f, -2.143826350220479e-05f,
    ];

    private static readonly float[] s_c0 =
    [
        0.4750823378562927f, 0.42563432455062866f, 0.3773302733898163f, 0.33087438344955444f,
        0.2868877053260803f, 0.24588385224342346f, 0.20825240015983582f, 0.17425070703029633f,
        0.14400437474250793f, 0.11751522868871689f, 0.09467574208974838f, 0.07528798282146454f,
        0.05908512324094772f, 0.04575362429022789f, 0.0349544882774353f, 0.026342127472162247f,
        0.01958007924258709f, 0.01435302197933197f, 0.010375072248280048f, 0.007394607178866863f,
        0.005196079146116972f, 0.003599455114454031f, 0.0024579011369496584f, 0.0016543508972972631f,
        0.0010974823962897062f, 0.0007175423088483512f, 0.00046233064495027065f, 0.00029355534934438765f,
        0.00018366995209362358f, 0.00011323404760332778f, 6.878411659272388e-05f, 4.1167466406477615e-05f,
    ];

    private static readonly float[] s_c0lo =
    [
        -6.88927848102594e-09f, -1.2700789753239405e-08f, 8.182764688058342e-09f, 4.598026404067923e-09f,
        -3.5356304550759887e-09f, -1.8725065942248875e-09f, -6.827116649787968e-09f, 4.865671421327988e-09f,
        4.281131449346276e-09f, -3.491772981867314e-10f, 9.253789401419965e-10f, 3.591389186041738e-09f,
        -3.3332933635499273e-10f, 6.462783086469415e-10f, -1.3225869288646663e-09f, -7.744520580388325e-10f,
        -4.809384557269425e-10f, -3.880131493882999e-10f, 4.155598642974212e-10f, -6.184225354033401e-11f,
        2.312699198814272e-10f, -4.480893520814044e-12f, 3.76555522874078e-11f, -3.4429417650194694e-11f,
        -1.9972665882272977e-11f, -1.9664927672358168e-11f, -1.3541862943500238e-11f, 1.1320162689176794e-11f,
        2.525357744101453e-12f, -3.1600633568218406e-13f, -1.683275480807156e-12f, -2.8627911131083594e-13f,
    ];
    private static readonly PieceTable s_gelu = new(s_c5, s_c4, s_c3, s_c2, s_c1, s_c0, s_c0lo);

    /// <summary>Whether this machine runs the fast path (it needs AVX-512's two-register permute).</summary>
    public static bool IsSupported => Avx512F.IsSupported && Vector512.IsHardwareAccelerated;

    /// <summary>GELU of x, given a = |x| &lt; <see cref="Limit"/> in every lane (call only where <see cref="IsSupported"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Gelu(Vector512<float> x, Vector512<float> a)
    {
        // Φ(−a) = c0 + (c0Lo + u·r) as hi + lo (Fast2Sum: |c0| is the larger), so that its rounding does not add a
        // whole ulp of the product on top of the product's own.
        var small = Evaluate(s_gelu, a, out var c0);
        var hi = c0 + small;
        var xLo = x * (small - (hi - c0));
        // x·Φ(−a) for x < 0 rounded once; x − x·Φ(−a) for x ≥ 0 rounded twice (the second time by far less than an ulp).
        var negative = Vector512.FusedMultiplyAdd(x, hi, xLo);
        var positive = Vector512.FusedMultiplyAdd(-x, hi, x) - xLo;
        return Vector512.ConditionalSelect(Vector512.LessThan(x, Vector512<float>.Zero), negative, positive);
    }

    /// <summary>
    /// Float32 GELU of <paramref name="x"/> into <paramref name="d"/> (same length), bit for bit what
    /// <see cref="VectorLoops.MapWide{T, TOp}(TOp, ReadOnlySpan{T}, Span{T})"/> with <see cref="GeluSingleOp"/> gives
    /// (call only where <see cref="IsSupported"/>). Every block goes through the table path unconditionally and is
    /// stored, two blocks per iteration; a chunk of <see cref="Chunk"/> values with some |x| ≥ <see cref="Limit"/>
    /// (or NaN) is then redone by the general op (one chunk in about 16 of standard normal data). One integer maximum per
    /// block in place of a compare and branch per block; the loop over the blocks is <see cref="TableChunks{TOp}"/>.
    /// </summary>
    public static void Map(ReadOnlySpan<float> x, Span<float> d) => Run<Values>(x, x, d);

    /// <summary>
    /// g·GELU′(x) into <paramref name="d"/> (all three the same length), bit for bit what the general loop with
    /// <see cref="GeluGradSingleOp"/> gives, as <see cref="Map"/> computes GELU (call only where <see cref="IsSupported"/>).
    /// </summary>
    public static void MapGradient(ReadOnlySpan<float> x, ReadOnlySpan<float> g, Span<float> d)
    {
        if (g.Length != x.Length) throw new ArgumentException($"Expected a gradient of the input's length {x.Length}, got {g.Length}.", nameof(g));
        Run<Gradients>(x, g, d);
    }

    /// <summary>What the chunked loop computes: a block on the table path, and a span on the general path.</summary>
    private interface IChunkOp
    {
        /// <summary>The result for the block x at <paramref name="k"/> (a = |x|, every lane below <see cref="Limit"/>); <paramref name="other"/> is the second operand's start.</summary>
        static abstract Vector512<float> Table(Vector512<float> x, Vector512<float> a, ref float other, nuint k);

        /// <summary>The general op over spans (a chunk beyond the table, or the tail).</summary>
        static abstract void General(ReadOnlySpan<float> x, ReadOnlySpan<float> other, Span<float> d);
    }

    /// <summary>GELU itself (the second operand is unused).</summary>
    private readonly struct Values : IChunkOp
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<float> Table(Vector512<float> x, Vector512<float> a, ref float other, nuint k) => Gelu(x, a);

        [MethodImpl(MethodImplOptions.NoInlining)]
        public static void General(ReadOnlySpan<float> x, ReadOnlySpan<float> other, Span<float> d) => VectorLoops.MapWide(new GeluSingleOp(), x, d);
    }

    /// <summary>The gradient g·GELU′(x), g the second operand.</summary>
    private readonly struct Gradients : IChunkOp
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<float> Table(Vector512<float> x, Vector512<float> a, ref float other, nuint k) => Vector512.LoadUnsafe(ref other, k) * Derivative(x, a);

        [MethodImpl(MethodImplOptions.NoInlining)]
        public static void General(ReadOnlySpan<float> x, ReadOnlySpan<float> other, Span<float> d) => VectorLoops.MapWide(new GeluGradSingleOp(), x, other, d);
    }

    private static void Run<TOp>(ReadOnlySpan<float> x, ReadOnlySpan<float> other, Span<float> d) where TOp : struct, IChunkOp
    {
        if (x.Length != d.Length) throw new ArgumentException($"Expected an output of the input's length {x.Length}, got {d.Length}.", nameof(d));
        ref float xs = ref MemoryMarshal.GetReference(x), os = ref MemoryMarshal.GetReference(other), ds = ref MemoryMarshal.GetReference(d);
        int i = 0;
        while (i + Chunk <= x.Length)
        {
            i = TableChunks<TOp>(ref xs, ref os, ref ds, i, x.Length);
            if (i + Chunk > x.Length) break;
            TOp.General(x.Slice(i, Chunk), other.Slice(i, Chunk), d.Slice(i, Chunk));
            i += Chunk;
        }
        if (i < x.Length) TOp.General(x.Slice(i), other.Slice(i), d.Slice(i));
    }

    /// <summary>
    /// The table path over whole chunks from <paramref name="i"/> on; returns the first chunk with some |x| ≥
    /// <see cref="Limit"/> or NaN (written, to be redone by the caller), or where the whole chunks end. A method of its
    /// own so that its loop has no call beside it: with one, the compiled loop kept its counter in the stack frame,
    /// storing and reloading it every block, and two threads took 0.23 ms in some processes and 0.45-0.6 ms in others,
    /// one thread slower than the other. That fits the table's loads being held up by the store wherever the slot's
    /// address matches a table vector's in its low 12 bits (all the processor compares at first), which depends on
    /// where each thread's stack lies. Without the store: 0.23-0.35 ms in every process.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static int TableChunks<TOp>(ref float xs, ref float other, ref float ds, int i, int length) where TOp : struct, IChunkOp
    {
        int w = Vector512<float>.Count;
        var limit = Vector512.Create(Limit).AsInt32();
        for (; i + Chunk <= length; i += Chunk)
        {
            // The largest |x| of the chunk, compared as integers (|x| ≥ 0 orders as its bits do; NaN's bits exceed +∞'s).
            var largest = Vector512<int>.Zero;
            for (int k = i; k < i + Chunk; k += 2 * w)
            {
                var x0 = Vector512.LoadUnsafe(ref xs, (nuint)k);
                var x1 = Vector512.LoadUnsafe(ref xs, (nuint)(k + w));
                var a0 = Vector512.Abs(x0);
                var a1 = Vector512.Abs(x1);
                TOp.Table(x0, a0, ref other, (nuint)k).StoreUnsafe(ref ds, (nuint)k);
                TOp.Table(x1, a1, ref other, (nuint)(k + w)).StoreUnsafe(ref ds, (nuint)(k + w));
                largest = Vector512.Max(largest, Vector512.Max(a0.AsInt32(), a1.AsInt32()));
            }
            if (!Vector512.LessThanAll(largest, limit)) return i;
        }
        return i;
    }

    /// <summary>
    /// A function of the table at a (every lane below <see cref="Limit"/>) as c0 (returned in <paramref name="c0"/>)
    /// plus the returned c0Lo + u·r(u), r the rest of the piece's polynomial; the caller adds the two.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Evaluate(PieceTable t, Vector512<float> a, out Vector512<float> c0)
    {
        var v = a * Vector512.Create(Scale);
        // 2²³ + v rounded down is 2²³ + j, j = ⌊v⌋ in [0, 31] (the float spacing there is 1), so its low mantissa bits
        // are j, the only bits of the index the permute reads; and (2²³ + j) − (2²³ − 1/2) = j + 1/2 exactly. One
        // addition in place of floor and conversion (together 3 µops and about 12 cycles on the path to every
        // permute): the same u and j, 10-20 % less time at 1M elements.
        var shifted = Avx512F.Add(v, Vector512.Create(IndexShift), FloatRoundingMode.ToNegativeInfinity);
        var u = v - (shifted - Vector512.Create(IndexShift - 0.5f));
        var index = shifted.AsInt32();
        var r = Vector512.FusedMultiplyAdd(t.Lookup(0, index), u, t.Lookup(1, index));
        r = Vector512.FusedMultiplyAdd(r, u, t.Lookup(2, index));
        r = Vector512.FusedMultiplyAdd(r, u, t.Lookup(3, index));
        r = Vector512.FusedMultiplyAdd(r, u, t.Lookup(4, index));
        c0 = t.Lookup(5, index);
        return Vector512.FusedMultiplyAdd(r, u, t.Lookup(6, index));
    }

    /// <summary>
    /// One function's 32 pieces: per coefficient (highest power first, then the constant as hi and lo) a 32-entry table
    /// held as two vectors, entries 0–15 and 16–31. The 14 vectors live in 64-byte-aligned memory of their own (kept
    /// for the process's life), so each is one cache line. As 512-bit fields of an object, whose start is only 8-byte
    /// aligned, they straddled two lines each or not depending on where a process's heap put the object, and the loop
    /// reads them per block (the stores to the output may alias them, as far as the compiler knows): one thread took
    /// 0.56-0.62 ms for 1M values against 0.48-0.56 ms now, in alternated runs.
    /// </summary>
    private sealed unsafe class PieceTable
    {
        private const int Vectors = 14;
        private readonly float* _v;

        public PieceTable(float[] c5, float[] c4, float[] c3, float[] c2, float[] c1, float[] c0, float[] c0Lo)
        {
            _v = (float*)NativeMemory.AlignedAlloc(Vectors * 64, 64);
            int k = 0;
            foreach (var table in (float[][])[c5, c4, c3, c2, c1, c0, c0Lo])
            {
                if (table.Length != 32) throw new ArgumentException($"a piece table has 32 entries, got {table.Length}", nameof(c5));
                table.AsSpan().CopyTo(new Span<float>(_v + 32 * k++, 32));
            }
        }

        /// <summary>
        /// Entry index[lane] of table <paramref name="table"/> (0-4: the coefficients of u⁵ down to u¹, 5: the
        /// constant, 6: its low part), by one two-register permute over the table's two aligned vectors.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public Vector512<float> Lookup(int table, Vector512<int> index)
            => Avx512F.PermuteVar16x32x2(Vector512.LoadAligned(_v + 32 * table), index, Vector512.LoadAligned(_v + 32 * table + 16));
    }
}
