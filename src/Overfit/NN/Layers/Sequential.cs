using Overfit.Tensors;

namespace Overfit.NN;

/// <summary>Runs its children in order; children are named "0", "1", ... as in PyTorch.</summary>
public sealed class Sequential : Module
{
    private readonly List<Module> _layers = [];

    /// <summary>A container running <paramref name="layers"/> in order (like torch.nn.Sequential).</summary>
    /// <exception cref="ArgumentNullException">The array or a layer is null.</exception>
    public Sequential(params Module[] layers)
    {
        ArgumentNullException.ThrowIfNull(layers);
        foreach (var layer in layers) Append(layer);
    }

    /// <summary>Adds <paramref name="layer"/> at the end, named by its index; returns this container.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="layer"/> is null.</exception>
    public Sequential Append(Module layer)
    {
        ArgumentNullException.ThrowIfNull(layer);
        RegisterModule(_layers.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), layer);
        _layers.Add(layer);
        return this;
    }

    /// <summary>Number of layers.</summary>
    public int Count => _layers.Count;

    /// <summary>The layer at <paramref name="index"/>.</summary>
    public Module this[int index] => _layers[index];

    /// <inheritdoc/>
    protected override Tensor ForwardCore(Tensor input)
    {
        var x = input;
        for (int i = 0; i < _layers.Count; i++)
        {
            // A Linear followed by a ReLU runs as one fused op (same values and gradients, half the buffers),
            // unless either carries an activity penalty, which needs its own module's output.
            if (_layers[i] is Linear linear && i + 1 < _layers.Count && _layers[i + 1] is ReLU relu
                && linear.ActivityRegularizer is null && relu.ActivityRegularizer is null)
            {
                // When a Linear comes next, it is the only reader of the pair's output, whose buffer can be recycled.
                bool linearNext = i + 2 < _layers.Count && _layers[i + 2] is Linear;
                x = linear.ForwardWithRelu(x, internalOutput: linearNext);
                relu.ClearActivityPenalty();
                i++;
                continue;
            }
            x = _layers[i].Forward(x);
        }
        return x;
    }

    /// <summary>PyTorch-style description listing the layers.</summary>
    public override string ToString() => $"Sequential({string.Join(", ", _layers)})";
}

/// <summary>Flattens dimensions startDim..endDim (default: all but the batch dimension).</summary>
public sealed class Flatten : Module
{
    /// <summary>Flattens dims startDim..endDim (like torch.nn.Flatten; defaults 1 and −1: [N, ...] → [N, features]).</summary>
    public Flatten(int startDim = 1, int endDim = -1)
    {
        StartDim = startDim;
        EndDim = endDim;
    }

    /// <summary>First dimension flattened.</summary>
    public int StartDim { get; }

    /// <summary>Last dimension flattened (negative counts from the end).</summary>
    public int EndDim { get; }

    /// <inheritdoc/>
    protected override Tensor ForwardCore(Tensor input) => input.Flatten(StartDim, EndDim);
}

/// <summary>Returns its input unchanged (a placeholder layer).</summary>
public sealed class Identity : Module
{
    /// <inheritdoc/>
    protected override Tensor ForwardCore(Tensor input) => input;
}
