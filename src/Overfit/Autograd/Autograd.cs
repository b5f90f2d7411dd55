using System.Runtime.CompilerServices;
using Overfit.Tensors;

namespace Overfit.Autograd;

/// <summary>Reverse-mode automatic differentiation: the tape, the no-grad scope and the backward engine.</summary>
public static partial class Autograd
{
    [ThreadStatic] private static int _noGradDepth;

    /// <summary>True unless inside a <see cref="NoGrad"/> scope on this thread.</summary>
    public static bool IsGradEnabled => _noGradDepth == 0;

    /// <summary>Within the returned scope no op records itself on the tape (evaluation, optimizer steps).</summary>
    public static NoGradScope NoGrad() => new();

    /// <summary>Scope returned by <see cref="NoGrad"/>; disposing it re-enables recording (scopes nest, like torch.no_grad).</summary>
    public readonly struct NoGradScope : IDisposable
    {
        /// <summary>Enters a no-grad scope on this thread.</summary>
        public NoGradScope() => _noGradDepth++;

        /// <summary>Leaves the scope.</summary>
        public void Dispose() => _noGradDepth--;
    }

    /// <summary>A no-grad scope that can also be a no-op (the default value), so one using statement serves both modes.</summary>
    private readonly struct GradModeScope : IDisposable
    {
        private readonly bool _active;

        public GradModeScope(bool enabled)
        {
            _active = !enabled;
            if (_active) _noGradDepth++;
        }

        public void Dispose()
        {
            if (_active) _noGradDepth--;
        }
    }

    /// <summary>
    /// Gradients of a scalar <paramref name="output"/> (or of output·<paramref name="gradOutput"/>) with respect to
    /// <paramref name="inputs"/>, returned in order; leaves' <see cref="Tensor.Grad"/> are left untouched.
    /// An input the output does not depend on gets a zero gradient. With <paramref name="createGraph"/> the backward
    /// rules run as recorded tensor ops, so the returned gradients can be differentiated again (implies retainGraph).
    /// </summary>
    public static Tensor[] Gradient(Tensor output, Tensor[] inputs, Tensor? gradOutput = null, bool retainGraph = false, bool createGraph = false)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(inputs);
        foreach (var x in inputs)
            if (!x.RequiresGrad)
                throw new ArgumentException("every input of Gradient must have RequiresGrad = true", nameof(inputs));
        // A Gradient call from inside a backward rule must not let fused rules write into leaves' gradients.
        bool outer = _accumulatingIntoLeaves, outerCreating = _creatingGraph;
        _accumulatingIntoLeaves = false;
        _creatingGraph = createGraph;
        var scratch = BackwardScratch.Rent();
        try
        {
            var grads = Run(scratch, output, gradOutput, retainGraph || createGraph, accumulateIntoLeaves: false, wanted: inputs);
            var result = new Tensor[inputs.Length];
            for (int i = 0; i < inputs.Length; i++)
                result[i] = grads.TryGetValue(inputs[i], out var g) ? g : Tensor.ZerosLike(inputs[i]);
            return result;
        }
        finally
        {
            (_accumulatingIntoLeaves, _creatingGraph) = (outer, outerCreating);
            BackwardScratch.Return(scratch);
        }
    }

    internal static void Backward(Tensor output, Tensor? gradOutput, bool retainGraph, bool createGraph = false)
        => BackwardIntoLeaves(output, gradOutput, retainGraph, createGraph, overwrite: null, onLeafFinal: null);

    /// <summary>
    /// True on this thread while a backward pass runs with createGraph: rules must then build their gradients from
    /// recorded tensor ops (a fused or raw-kernel rule switches to its unfused differentiable form), never writing
    /// into buffers in place, so that the gradients can be differentiated again.
    /// </summary>
    internal static bool IsCreatingGraph => _creatingGraph;

    [ThreadStatic] private static bool _creatingGraph;

    /// <summary>
    /// Called first by a rule that has no differentiable form yet: in createGraph mode it throws instead of returning a
    /// gradient that silently carries no graph (and so a wrong, zero higher-order derivative).
    /// </summary>
    internal static void RequireFirstOrder(string op)
    {
        if (_creatingGraph)
            throw new NotSupportedException($"{op}'s backward rule has no differentiable form: higher-order gradients (createGraph) through {op} are not supported");
    }

    /// <summary>
    /// True on this thread while <see cref="Backward"/> runs without retainGraph: each rule runs once and its
    /// saved tensors are dropped after it, so a rule may recycle buffers that only the graph could still read.
    /// </summary>
    internal static bool IsReleasingGraph => _releasingGraph && _accumulatingIntoLeaves;

    [ThreadStatic] private static bool _releasingGraph;

    /// <summary>True on this thread while <see cref="Backward"/> (not <see cref="Gradient"/>) runs its rules.</summary>
    [ThreadStatic] private static bool _accumulatingIntoLeaves;

    /// <summary>
    /// For a fused op's rule in createGraph mode: the gradients of <paramref name="unfused"/> (the op rebuilt from
    /// recorded tensor ops over <paramref name="inputs"/>) weighted by <paramref name="g"/>, with a graph, stopping at
    /// the inputs instead of running on into the graph below them (the caller's backward pass goes on from there).
    /// Null for an input that does not require grad.
    /// </summary>
    internal static Tensor?[] UnfusedGradient(Tensor[] inputs, Func<Tensor> unfused, Tensor g)
    {
        var output = unfused();
        if (!output.RequiresGrad) return new Tensor?[inputs.Length];
        var scratch = BackwardScratch.Rent();
        try
        {
            var grads = Run(scratch, output, g, retainGraph: true, accumulateIntoLeaves: false, wanted: inputs, stopAtWanted: true);
            var result = new Tensor?[inputs.Length];
            for (int i = 0; i < inputs.Length; i++)
                result[i] = !inputs[i].RequiresGrad ? null : grads.TryGetValue(inputs[i], out var gi) ? gi : Tensor.ZerosLike(inputs[i]);
            return result;
        }
        finally { BackwardScratch.Return(scratch); }
    }

    /// <summary>
    /// The collections one backward pass works in, kept per thread between passes so that a steady-state
    /// backward call allocates only its gradients (a nested pass, from inside a rule, gets its own set).
    /// Cleared on return, so no tensor stays reachable from here.
    /// </summary>
    private sealed class BackwardScratch
    {
        [ThreadStatic] private static BackwardScratch? _free;

        public readonly HashSet<Tensor> Wanted = new(ReferenceEqualityComparer.Instance);
        public readonly List<Tensor> Order = [];
        public readonly HashSet<Tensor> Visited = new(ReferenceEqualityComparer.Instance);
        public readonly Stack<(Tensor T, int Next)> Stack = new();
        public readonly Dictionary<Tensor, Tensor> Grads = new(ReferenceEqualityComparer.Instance);
        public readonly Dictionary<Tensor, Tensor> Result = new(ReferenceEqualityComparer.Instance);

        public static BackwardScratch Rent()
        {
            var s = _free ?? new BackwardScratch();
            _free = null;
            return s;
        }

        public static void Return(BackwardScratch s)
        {
            s.Wanted.Clear();
            s.Order.Clear();
            s.Visited.Clear();
            s.Stack.Clear();
            s.Grads.Clear();
            s.Result.Clear();
            _free = s;
        }
    }

    private static Dictionary<Tensor, Tensor> Run(BackwardScratch scratch, Tensor output, Tensor? gradOutput, bool retainGraph, bool accumulateIntoLeaves, Tensor[]? wanted, bool stopAtWanted = false, Action<Tensor>? onLeafFinal = null)
    {
        if (!output.RequiresGrad)
            throw new InvalidOperationException("backward on a tensor that does not require grad: no input of the computation had RequiresGrad = true");
        if (gradOutput is null)
        {
            if (output.Numel != 1)
                throw new InvalidOperationException($"backward on a non-scalar output of shape {ShapeUtil.Format(output.ShapeSpan)} needs a gradient argument of the same shape");
            gradOutput = Tensor.OnesLike(output);
        }
        else if (!ShapeUtil.SameShape(gradOutput.ShapeSpan, output.ShapeSpan))
            throw new ArgumentException($"gradient of shape {ShapeUtil.Format(gradOutput.ShapeSpan)} does not match the output's shape {ShapeUtil.Format(output.ShapeSpan)}", nameof(gradOutput));

        HashSet<Tensor>? wantedSet = null;
        if (wanted is not null)
        {
            wantedSet = scratch.Wanted;
            foreach (var w in wanted) wantedSet.Add(w);
        }
        var order = TopologicalOrder(scratch, output, stopAtWanted ? wantedSet : null);
        var grads = scratch.Grads;
        grads[output] = gradOutput;
        var result = scratch.Result;

        // With createGraph the rules record their ops (grad mode stays as the caller set it).
        using (_creatingGraph ? default(GradModeScope) : new GradModeScope(enabled: false))
        {
            // order lists every tensor after all tensors that consume it.
            foreach (var t in order)
            {
                if (!grads.Remove(t, out var g))
                {
                    // A leaf whose gradient a fused rule wrote itself (or that got none) is final here too.
                    if (accumulateIntoLeaves && t.GradFn is null) FinishLeaf(t, onLeafFinal);
                    continue;
                }
                if (wantedSet is not null && wantedSet.Contains(t))
                {
                    result[t] = g;
                    if (stopAtWanted) continue;
                }
                var node = t.GradFn;
                if (node is null)
                {
                    if (accumulateIntoLeaves)
                    {
                        AccumulateLeafGrad(t, g);
                        FinishLeaf(t, onLeafFinal);
                    }
                    continue;
                }
                var rule = node.BackwardRule ?? throw new InvalidOperationException(
                    $"trying to backward through the graph a second time (op {node.Name}); its saved values were freed after the first backward: pass retainGraph: true to the first call");
                var inputGrads = rule(g);
                for (int i = 0; i < node.Inputs.Length; i++)
                {
                    var x = node.Inputs[i];
                    var gi = inputGrads[i];
                    if (gi is null || !x.RequiresGrad) continue;
                    if (!ShapeUtil.SameShape(gi.ShapeSpan, x.ShapeSpan))
                        throw new InvalidOperationException($"internal: op {node.Name} produced a gradient of shape {ShapeUtil.Format(gi.ShapeSpan)} for an input of shape {ShapeUtil.Format(x.ShapeSpan)}");
                    grads[x] = grads.TryGetValue(x, out var acc) ? acc.Add(gi) : gi;
                }
                if (!retainGraph) node.Release();
            }
        }
        return result;
    }

    /// <summary>Reverse post-order of the graph below <paramref name="root"/>, computed without recursion.</summary>
    private static List<Tensor> TopologicalOrder(BackwardScratch scratch, Tensor root, HashSet<Tensor>? stop = null)
    {
        var post = scratch.Order;
        var visited = scratch.Visited;
        visited.Add(root);
        var stack = scratch.Stack;
        stack.Push((root, 0));
        while (stack.Count > 0)
        {
            var (t, next) = stack.Pop();
            var inputs = stop is not null && stop.Contains(t) ? [] : t.GradFn?.Inputs ?? [];
            if (next < inputs.Length)
            {
                stack.Push((t, next + 1));
                var child = inputs[next];
                if (child.RequiresGrad && visited.Add(child)) stack.Push((child, 0));
            }
            else post.Add(t);
        }
        post.Reverse();
        return post;
    }

    /// <summary>
    /// Records an op: when grad mode is on and an input requires grad, <paramref name="result"/> becomes a
    /// non-leaf whose gradient flows to the inputs through <paramref name="backward"/>.
    /// </summary>
    internal static Tensor Record(Tensor result, string name, Tensor[] inputs, Func<Tensor, Tensor?[]> backward)
    {
        if (!IsGradEnabled) return result;
        bool any = false;
        foreach (var x in inputs) any |= x.RequiresGrad;
        if (!any) return result;
        // The rule may read any input, so no input's storage may be recycled while the graph can run.
        foreach (var x in inputs) x.MarkHeldByGraph();
        result.GradFn = new Node(name, inputs, backward);
        result.RequiresGrad = true;
        return result;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static bool Needs(Tensor t) => IsGradEnabled && t.RequiresGrad;
}
