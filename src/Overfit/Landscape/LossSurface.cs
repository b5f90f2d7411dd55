using Overfit.Data;
using Overfit.NN;
using Overfit.Tensors;
using AG = Overfit.Autograd.Autograd;

namespace Overfit.Landscape;

/// <summary>
/// Loss of a model along lines and planes through its parameters (the chapter's xy_perturb_loss; Li et al. 2018):
/// loss(θ + a·d1 + b·d2) on a grid, averaged over the batches. The model's own parameters are moved in place
/// and restored afterwards (no copy of the model per point). When the network starts with a Linear layer
/// (<see cref="SimpleNetwork"/>, or a <see cref="Sequential"/> opening with Flatten/Linear), that layer's output on
/// the grid is X·(W + a·D1 + b·D2)ᵀ = P0 + a·P1 + b·P2, so its three products are formed once per batch and each point
/// pays only for the layers after it.
/// </summary>
public sealed class LossSurface
{
    private readonly BatchedObjective _objective;

    /// <param name="model">The network (its training/eval mode is left as the caller set it).</param>
    /// <param name="loss">Loss of the model's output on a batch, a scalar mean.</param>
    /// <param name="batches">The data (one batch for the chapter's 256 samples).</param>
    /// <param name="parameters">The parameters the directions move (default: all of the model's, in order).</param>
    public LossSurface(Module model, Func<Tensor, Batch, Tensor> loss, IEnumerable<Batch> batches, IEnumerable<Tensor>? parameters = null)
    {
        _objective = new BatchedObjective(model, loss, batches);
        Parameters = (parameters ?? model.Parameters()).ToArray();
    }

    /// <summary>The parameters the directions move; a direction holds one tensor per parameter, of its shape.</summary>
    public IReadOnlyList<Tensor> Parameters { get; }

    /// <summary>loss(θ + λ·d) for each λ.</summary>
    public double[] Line(Tensor[] direction, double[] lambdas)
    {
        ArgumentNullException.ThrowIfNull(lambdas);
        CheckDirection(direction, nameof(direction));
        var zero = Array.ConvertAll(direction, Tensor.ZerosLike);
        return Evaluate(direction, zero, lambdas.Select(l => (l, 0.0)).ToArray());
    }

    /// <summary>z[i, j] = loss(θ + λ1[i]·d1 + λ2[j]·d2).</summary>
    public double[,] Plane(Tensor[] d1, Tensor[] d2, double[] lambdas1, double[] lambdas2)
    {
        ArgumentNullException.ThrowIfNull(lambdas1);
        ArgumentNullException.ThrowIfNull(lambdas2);
        CheckDirection(d1, nameof(d1));
        CheckDirection(d2, nameof(d2));
        var points = new (double, double)[lambdas1.Length * lambdas2.Length];
        for (int i = 0; i < lambdas1.Length; i++)
            for (int j = 0; j < lambdas2.Length; j++) points[i * lambdas2.Length + j] = (lambdas1[i], lambdas2[j]);
        var flat = Evaluate(d1, d2, points);
        var z = new double[lambdas1.Length, lambdas2.Length];
        for (int i = 0; i < lambdas1.Length; i++)
            for (int j = 0; j < lambdas2.Length; j++) z[i, j] = flat[i * lambdas2.Length + j];
        return z;
    }

    /// <summary>
    /// A filter-normalized random direction (Li et al. 2018): Gaussian entries, each filter (row along the first
    /// dimension of a weight of rank ≥ 2) rescaled to the norm of the same filter of the parameter; biases and other
    /// one-dimensional parameters (batch-norm scales and shifts) get zeros.
    /// </summary>
    public static Tensor[] FilterNormalizedDirection(IReadOnlyList<Tensor> parameters, Generator generator)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(generator);
        var result = new Tensor[parameters.Count];
        for (int k = 0; k < result.Length; k++)
        {
            var p = parameters[k];
            if (p.Rank < 2)
            {
                result[k] = Tensor.Zeros(p.Shape, p.DType);
                continue;
            }
            var d = Tensor.Randn(p.Shape, generator, DType.Float64).ToDoubleArray();
            var w = p.ToDoubleArray();
            int rows = p.ShapeSpan[0], len = p.Numel / rows;
            for (int r = 0; r < rows; r++)
            {
                double nd = 0, nw = 0;
                for (int i = r * len; i < (r + 1) * len; i++) { nd += d[i] * d[i]; nw += w[i] * w[i]; }
                double scale = Math.Sqrt(nw) / (Math.Sqrt(nd) + 1e-10);
                for (int i = r * len; i < (r + 1) * len; i++) d[i] *= scale;
            }
            result[k] = Tensor.FromArray(d, p.Shape).To(p.DType);
        }
        return result;
    }

    private double[] Evaluate(Tensor[] d1, Tensor[] d2, (double A, double B)[] points)
    {
        var result = new double[points.Length];
        var saved = Parameters.Select(p => p.Detach().Clone()).ToArray();
        var plan = FirstLinearPlan.TryCreate(_objective.Model, Parameters);
        try
        {
            using (AG.NoGrad())
            {
                foreach (var batch in _objective.Batches)
                {
                    var first = plan?.Prepare(batch.Inputs, saved, d1, d2);
                    double share = _objective.Share(batch);
                    for (int q = 0; q < points.Length; q++)
                    {
                        var (a, b) = points[q];
                        for (int k = 0; k < saved.Length; k++)
                            if (plan is null || !plan.Covers(k)) MoveTo(Parameters[k], saved[k], a, d1[k], b, d2[k]);
                        var output = first is null ? null : plan!.ForwardRest(first.Value, a, b);
                        result[q] += _objective.LossOf(batch, output).Item() * share;
                    }
                }
            }
        }
        finally
        {
            for (int k = 0; k < saved.Length; k++) Parameters[k].Detach().CopyFrom(saved[k]);
        }
        return result;
    }

    /// <summary>p ← w + a·u + b·v in place, in one pass.</summary>
    internal static void MoveTo(Tensor p, Tensor w, double a, Tensor u, double b, Tensor v)
    {
        var target = p.Detach();
        if (!target.IsContiguous) { target.CopyFrom(w.Add(u.Mul(a)).Add(v.Mul(b))); return; }
        if (p.DType == DType.Float32)
        {
            Span<float> dst = target.AsSpan<float>();
            ReadOnlySpan<float> ws = w.Contiguous().AsSpan<float>(), us = u.Contiguous().AsSpan<float>(), vs = v.Contiguous().AsSpan<float>();
            float fa = (float)a, fb = (float)b;
            for (int i = 0; i < dst.Length; i++) dst[i] = ws[i] + fa * us[i] + fb * vs[i];
        }
        else
        {
            Span<double> dst = target.AsSpan<double>();
            ReadOnlySpan<double> ws = w.Contiguous().AsSpan<double>(), us = u.Contiguous().AsSpan<double>(), vs = v.Contiguous().AsSpan<double>();
            for (int i = 0; i < dst.Length; i++) dst[i] = ws[i] + a * us[i] + b * vs[i];
        }
    }

    private void CheckDirection(Tensor[] d, string name)
    {
        ArgumentNullException.ThrowIfNull(d, name);
        if (d.Length != Parameters.Count) throw new ArgumentException($"{name} needs one tensor per parameter: {Parameters.Count} expected, {d.Length} given", name);
        for (int k = 0; k < d.Length; k++)
            if (!ShapeUtil.SameShape(d[k].ShapeSpan, Parameters[k].ShapeSpan) || d[k].DType != Parameters[k].DType)
                throw new ArgumentException($"{name}[{k}] must be {ShapeUtil.Format(Parameters[k].ShapeSpan)} {Parameters[k].DType}, got {ShapeUtil.Format(d[k].ShapeSpan)} {d[k].DType}", name);
    }
}
