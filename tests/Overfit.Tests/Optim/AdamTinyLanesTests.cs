using System.Runtime.Intrinsics;
using Overfit.Optim;
using Overfit.Tensors;

namespace Overfit.Tests.Optim;

/// <summary>
/// Adam's near-zero lanes (moments decayed into subnormals, tiny gradients) store exactly the bits of the ordinary
/// Float32 update computed one operation at a time with gradual underflow, which is what the 512-bit loop computes for
/// every other lane: for random mixes of zero, subnormal, tiny, normal and huge values, through both the decay path and
/// the full emulation; and a dead unit trained for 1,200 steps reaches subnormal moments with the same parameters and
/// state as the scalar reference.
/// </summary>
public sealed unsafe class AdamTinyLanesTests
{
    /// <summary>The 512-bit loop's operation order, one Float32 rounding per operation (the hardware's, subnormals included).</summary>
    private static void Reference(float[] p, float[] g, float[] m, float[] v, in AdamScalars<float> s)
    {
        for (int i = 0; i < p.Length; i++)
        {
            float d = s.WeightDecay != 0 ? g[i] + s.WeightDecay * p[i] : g[i];
            m[i] = s.Beta1 * m[i] + s.OneMinusBeta1 * d;
            float dd = d * d;
            v[i] = s.Beta2 * v[i] + s.OneMinusBeta2 * dd;
            float root = MathF.Sqrt(v[i]);
            float denominator = root / s.Bc2Sqrt + s.Eps;
            float quotient = m[i] / denominator;
            p[i] -= s.StepSize * quotient;
        }
    }

    private static AdamScalars<float> Scalars(double beta1, double beta2, double lr, double eps, double wd, int t)
    {
        double bc1 = 1 - Math.Pow(beta1, t), bc2 = Math.Sqrt(1 - Math.Pow(beta2, t));
        return new AdamScalars<float>((float)beta1, (float)beta2, (float)(1 - beta1), (float)(1 - beta2), (float)eps, (float)bc2, (float)(lr / bc1), (float)wd);
    }

    /// <summary>A value of one of the kinds the lanes see: zero (either sign), subnormal, tiny normal, ordinary or large.</summary>
    private static float Draw(Random rng, bool allowZero = true)
    {
        int kind = rng.Next(allowZero ? 6 : 5);
        float sign = rng.Next(2) == 0 ? 1 : -1;
        return kind switch
        {
            0 => sign * BitConverter.Int32BitsToSingle(rng.Next(1, 1 << 23)),                        // subnormal
            1 => sign * BitConverter.Int32BitsToSingle(rng.Next(1 << 23, 3 << 23)),                  // lowest binades
            2 => sign * MathF.ScaleB(1 + rng.NextSingle(), rng.Next(-126, -100)),                    // tiny normal
            3 => sign * MathF.ScaleB(1 + rng.NextSingle(), rng.Next(-60, 2)),                        // ordinary
            4 => sign * MathF.ScaleB(1 + rng.NextSingle(), rng.Next(2, 40)),                         // large
            _ => rng.Next(2) == 0 ? 0f : -0f,
        };
    }

    private static void AssertSameBits(float[] expected, float[] actual, string what, int trial)
    {
        for (int i = 0; i < expected.Length; i++)
            if (BitConverter.SingleToInt32Bits(expected[i]) != BitConverter.SingleToInt32Bits(actual[i]))
                Assert.Fail($"trial {trial}, {what}[{i}]: expected {expected[i]:R} (0x{BitConverter.SingleToInt32Bits(expected[i]):X8}), got {actual[i]:R} (0x{BitConverter.SingleToInt32Bits(actual[i]):X8})");
    }

    private delegate void LaneUpdate(float* p, float* g, float* m, float* v, in AdamScalars<float> s);

    private static void Compare(LaneUpdate update, Func<Random, (float[] P, float[] G, float[] M, float[] V)> draw, int trials, int seed)
    {
        var rng = new Random(seed);
        for (int trial = 0; trial < trials; trial++)
        {
            var (p, g, m, v) = draw(rng);
            var s = (trial % 3) switch
            {
                0 => Scalars(0.9, 0.999, 1e-3, 1e-8, 0, 1 + rng.Next(5000)),
                1 => Scalars(0.8, 0.99, 3e-2, 1e-6, 0, 1 + rng.Next(50)),
                _ => Scalars(0.9, 0.999, 1e-3, 1e-8, 1e-2, 1 + rng.Next(5000)),
            };
            float[] pe = (float[])p.Clone(), me = (float[])m.Clone(), ve = (float[])v.Clone();
            Reference(pe, g, me, ve, s);
            fixed (float* pp = p) fixed (float* pg = g) fixed (float* pm = m) fixed (float* pv = v) update(pp, pg, pm, pv, s);
            AssertSameBits(me, m, "m", trial);
            AssertSameBits(ve, v, "v", trial);
            AssertSameBits(pe, p, "p", trial);
        }
    }

    private static float[] Sixteen(Func<int, float> f) => Enumerable.Range(0, 16).Select(f).ToArray();

    [Fact]
    public void EmulatedUpdateMatchesFloat32ArithmeticForAnyLanes()
    {
        if (!Vector512.IsHardwareAccelerated) return; // the 512-bit loop only
        Compare(AdamTinyLanes.UpdateEmulated, rng => (Sixteen(_ => Draw(rng, allowZero: false)), Sixteen(_ => Draw(rng)),
            Sixteen(_ => Draw(rng)), Sixteen(_ => MathF.Abs(Draw(rng)))), 20000, 1);
    }

    [Fact]
    public void DecayOfTinyMomentsUnderZeroGradientsMatchesFloat32Arithmetic()
    {
        if (!Vector512.IsHardwareAccelerated) return;
        // Dead lanes (gradient ±0, first moment subnormal, below 2^-110 or zero, now and then a second moment as small)
        // beside ordinary ones, as a dead unit's row meets a live one.
        Compare(AdamTinyLanes.Update, rng =>
        {
            var dead = Sixteen(_ => rng.Next(4) != 0 ? 1f : 0f);
            return (Sixteen(_ => MathF.ScaleB(rng.NextSingle() - 0.5f, -rng.Next(0, 12))),
                Sixteen(i => dead[i] == 1 ? (rng.Next(2) == 0 ? 0f : -0f) : MathF.ScaleB(rng.NextSingle() - 0.5f, -rng.Next(0, 20))),
                Sixteen(i => dead[i] == 1 ? NearZeroValues.TinyOrZero(rng) : MathF.ScaleB(rng.NextSingle() - 0.5f, -rng.Next(0, 30))),
                Sixteen(i => dead[i] == 1 && rng.Next(3) == 0 ? MathF.Abs(NearZeroValues.TinyOrZero(rng)) : MathF.ScaleB(rng.NextSingle(), -rng.Next(0, 60))));
        }, 20000, 2);
        // And any mix at all through the same entry (most of it falls through to the emulation).
        Compare(AdamTinyLanes.Update, rng => (Sixteen(_ => Draw(rng, allowZero: false)), Sixteen(_ => Draw(rng)),
            Sixteen(_ => Draw(rng)), Sixteen(_ => MathF.Abs(Draw(rng)))), 20000, 3);
    }

    [Fact]
    public void DeadUnitTrainedIntoSubnormalMomentsMatchesTheScalarReference()
    {
        // 64 weights: the first 32 get a gradient for 20 steps and none after, so their first moments decay through the
        // subnormals; the rest keep getting gradients. 1,200 steps of the optimizer against the scalar reference.
        const int n = 64, steps = 1200;
        var weight = Tensor.FromArray(Enumerable.Range(0, n).Select(i => 0.05f * MathF.Sin(i + 1)).ToArray(), [n]);
        weight.RequiresGrad = true;
        var opt = new Adam([weight], lr: 1e-3);
        var p = weight.ToArray<float>();
        var m = new float[n];
        var v = new float[n];
        var rng = new Random(4);
        bool sawSubnormal = false;
        for (int t = 1; t <= steps; t++)
        {
            var g = Enumerable.Range(0, n).Select(i => i < 32 && t > 20 ? 0f : (float)(rng.NextDouble() - 0.5) * 1e-2f).ToArray();
            weight.Grad = Tensor.FromArray(g, [n]);
            opt.Step();
            Reference(p, g, m, v, Scalars(0.9, 0.999, 1e-3, 1e-8, 0, t));
            var state = opt.StateOf(weight);
            AssertSameBits(m, state["exp_avg"].ToArray<float>(), "m", t);
            AssertSameBits(v, state["exp_avg_sq"].ToArray<float>(), "v", t);
            AssertSameBits(p, weight.ToArray<float>(), "p", t);
            sawSubnormal |= m.Any(float.IsSubnormal);
        }
        Assert.True(sawSubnormal, "the dead weights' first moments should have reached the subnormals");
    }
}
