using Overfit.Tensors;

namespace Overfit.Autograd;

/// <summary>
/// One recorded op on the tape: its inputs and the rule that maps the output's gradient to the
/// inputs' gradients (null where an input needs none). One rule per op, as in micrograd.
/// </summary>
internal sealed class Node
{
    public Node(string name, Tensor[] inputs, Func<Tensor, Tensor?[]> backward)
    {
        Name = name;
        Inputs = inputs;
        BackwardRule = backward;
    }

    public string Name { get; }

    public Tensor[] Inputs { get; private set; }

    /// <summary>Null once the graph has been released by a backward pass without retainGraph.</summary>
    public Func<Tensor, Tensor?[]>? BackwardRule { get; private set; }

    /// <summary>Drops the saved tensors so their memory can be reclaimed.</summary>
    public void Release()
    {
        if (BackwardRule is null) return;
        BackwardRule = null;
        // The rule was the only reader of the inputs' data that the graph kept.
        foreach (var x in Inputs) x.ReleaseGraphHold();
    }

    public bool IsReleased => BackwardRule is null;
}
