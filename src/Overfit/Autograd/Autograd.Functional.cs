using Overfit.Tensors;

namespace Overfit.Autograd;

// The functional forms of torch.autograd.functional: each takes a function of tensors and the point at which to
// differentiate it; the inputs are detached copies that require grad, so the caller's tensors and graphs are untouched.
public static partial class Autograd
{
    /// <summary>f(inputs) and the vector-Jacobian product vᵀ·J (one reverse pass).</summary>
    public static (Tensor Output, Tensor[] Vjp) Vjp(Func<Tensor[], Tensor> f, Tensor[] inputs, Tensor? v = null, bool createGraph = false)
    {
        ArgumentNullException.ThrowIfNull(f);
        var xs = Points(inputs);
        var y = f(xs);
        if (!y.RequiresGrad) return (y.Detach(), Array.ConvertAll(xs, Tensor.ZerosLike));
        var grads = Gradient(y, xs, v, createGraph: createGraph);
        return (y.Detach(), createGraph ? grads : Array.ConvertAll(grads, g => g.Detach()));
    }

    /// <summary>
    /// f(inputs) and the Jacobian-vector product J·v, by the double-backward trick: the vjp uᵀJ is linear in a
    /// dummy u, and its gradient with respect to u, weighted by v, is J·v.
    /// </summary>
    public static (Tensor Output, Tensor Jvp) Jvp(Func<Tensor[], Tensor> f, Tensor[] inputs, Tensor[] v, bool createGraph = false)
    {
        ArgumentNullException.ThrowIfNull(f);
        ArgumentNullException.ThrowIfNull(v);
        CheckDirections(inputs, v, nameof(v));
        var xs = Points(inputs);
        var y = f(xs);
        if (!y.RequiresGrad) return (y.Detach(), Tensor.ZerosLike(y));
        var u = Tensor.Zeros(y.Shape, y.DType, requiresGrad: true);
        var vjp = Gradient(y, xs, u, createGraph: true);
        var dot = Inner(vjp, v);
        if (!dot.RequiresGrad) return (y.Detach(), Tensor.ZerosLike(y));
        var jv = Gradient(dot, [u], createGraph: createGraph)[0];
        return (y.Detach(), createGraph ? jv : jv.Detach());
    }

    /// <summary>f(inputs) (a scalar) and the Hessian-vector product H·v, by differentiating ⟨∇f, v⟩ (double backward).</summary>
    public static (Tensor Output, Tensor[] Hvp) Hvp(Func<Tensor[], Tensor> f, Tensor[] inputs, Tensor[] v, bool createGraph = false)
    {
        ArgumentNullException.ThrowIfNull(f);
        ArgumentNullException.ThrowIfNull(v);
        CheckDirections(inputs, v, nameof(v));
        var xs = Points(inputs);
        var y = f(xs);
        if (y.Numel != 1) throw new ArgumentException($"Hvp needs a function with a scalar output, got shape {ShapeUtil.Format(y.ShapeSpan)}", nameof(f));
        return (y.Detach(), HessianVectorProduct(y, xs, v, createGraph));
    }

    /// <summary>The dense Hessian [n, n] of a scalar function of one tensor with n elements (small problems).</summary>
    public static Tensor Hessian(Func<Tensor, Tensor> f, Tensor input)
    {
        ArgumentNullException.ThrowIfNull(f);
        ArgumentNullException.ThrowIfNull(input);
        var x = Points([input])[0];
        var y = f(x);
        if (y.Numel != 1) throw new ArgumentException($"Hessian needs a function with a scalar output, got shape {ShapeUtil.Format(y.ShapeSpan)}", nameof(f));
        int n = x.Numel;
        var h = Tensor.Zeros([n, n], x.DType);
        if (!y.RequiresGrad) return h;
        var g = Gradient(y, [x], createGraph: true)[0].Reshape(n);
        if (!g.RequiresGrad) return h;
        for (int i = 0; i < n; i++)
        {
            var row = Gradient(g.Select(0, i), [x], retainGraph: true)[0].Contiguous().Reshape(n);
            using (NoGrad()) h.Select(0, i).CopyFrom(row);
        }
        return h;
    }

    /// <summary>
    /// H·v for a scalar <paramref name="output"/> already computed from <paramref name="inputs"/> (which require grad):
    /// one createGraph backward for ∇f, then one backward of ⟨∇f, v⟩. The graph of <paramref name="output"/> is kept.
    /// </summary>
    public static Tensor[] HessianVectorProduct(Tensor output, Tensor[] inputs, Tensor[] v, bool createGraph = false)
    {
        ArgumentNullException.ThrowIfNull(output);
        CheckDirections(inputs, v, nameof(v));
        if (!output.RequiresGrad) return Array.ConvertAll(inputs, Tensor.ZerosLike);
        var grads = Gradient(output, inputs, retainGraph: true, createGraph: true);
        var dot = Inner(grads, v);
        if (!dot.RequiresGrad) return Array.ConvertAll(inputs, Tensor.ZerosLike);
        var hv = Gradient(dot, inputs, createGraph: createGraph);
        return createGraph ? hv : Array.ConvertAll(hv, t => t.Detach());
    }

    private static Tensor Inner(Tensor[] a, Tensor[] b)
    {
        Tensor? sum = null;
        for (int k = 0; k < a.Length; k++)
        {
            var term = a[k].Mul(b[k].Detach()).Sum();
            sum = sum is null ? term : sum.Add(term);
        }
        return sum ?? Tensor.Scalar(0);
    }

    private static Tensor[] Points(Tensor[] inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        return Array.ConvertAll(inputs, x =>
        {
            var d = x.Detach();
            d.RequiresGrad = true;
            return d;
        });
    }

    private static void CheckDirections(Tensor[] inputs, Tensor[] v, string name)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        if (v.Length != inputs.Length) throw new ArgumentException($"{name} needs one direction per input: {inputs.Length} inputs, {v.Length} directions", name);
        for (int i = 0; i < v.Length; i++)
            if (!ShapeUtil.SameShape(v[i].ShapeSpan, inputs[i].ShapeSpan))
                throw new ArgumentException($"{name}[{i}] has shape {ShapeUtil.Format(v[i].ShapeSpan)}, expected the input's {ShapeUtil.Format(inputs[i].ShapeSpan)}", name);
    }
}
