using Overfit.Tensors;

namespace Overfit.Data.Random;

// The NumPy-named array methods. Arrays are filled in C order, one draw per element, exactly as NumPy
// fills them, so rand(50, 2) here equals np.random.rand(50, 2) element by element.
public sealed partial class RandomState
{
    /// <summary><c>rand(d0, d1, ...)</c>: uniform [0, 1) values in a Float64 tensor of that shape.</summary>
    public Tensor Rand(params int[] shape) => FilledTensor(shape, NextDouble);

    /// <summary><c>randn(d0, d1, ...)</c>: standard normal values in a Float64 tensor of that shape.</summary>
    public Tensor Randn(params int[] shape) => FilledTensor(shape, NextGaussian);

    /// <summary><c>random_sample(count)</c> as a flat array.</summary>
    public double[] RandomSample(int count) => Fill(count, NextDouble);

    /// <summary><c>standard_normal(count)</c> as a flat array.</summary>
    public double[] StandardNormal(int count) => Fill(count, NextGaussian);

    /// <summary><c>uniform(low, high)</c>: low + (high - low) * random_sample().</summary>
    public double Uniform(double low, double high) => low + (high - low) * NextDouble();

    /// <summary><c>uniform(low, high, count)</c>.</summary>
    public double[] Uniform(double low, double high, int count)
    {
        CheckCount(count);
        var values = new double[count];
        for (int i = 0; i < count; i++) values[i] = Uniform(low, high);
        return values;
    }

    /// <summary><c>normal(loc, scale)</c>: loc + scale * gauss().</summary>
    public double Normal(double loc, double scale)
    {
        if (!(scale >= 0)) throw new ArgumentOutOfRangeException(nameof(scale), scale, $"scale must be non-negative, got {scale}");
        return loc + scale * NextGaussian();
    }

    /// <summary><c>normal(loc, scale, count)</c>.</summary>
    public double[] Normal(double loc, double scale, int count)
    {
        CheckCount(count);
        var values = new double[count];
        for (int i = 0; i < count; i++) values[i] = Normal(loc, scale);
        return values;
    }

    /// <summary><c>randint(low, high)</c>: an integer in [low, high), drawn like NumPy's legacy masked rejection.</summary>
    public long RandInt(long low, long high)
    {
        if (high <= low) throw new ArgumentOutOfRangeException(nameof(high), high, $"high must be greater than low ({low}), got {high}");
        return low + (long)NextInterval((ulong)(high - 1 - low));
    }

    /// <summary><c>randint(low, high, count)</c>.</summary>
    public long[] RandInt(long low, long high, int count)
    {
        CheckCount(count);
        if (high <= low) throw new ArgumentOutOfRangeException(nameof(high), high, $"high must be greater than low ({low}), got {high}");
        var values = new long[count];
        ulong range = (ulong)(high - 1 - low);
        for (int i = 0; i < count; i++) values[i] = low + (long)NextInterval(range);
        return values;
    }

    /// <summary><c>permutation(n)</c>: a shuffled 0..n-1.</summary>
    public int[] Permutation(int n)
    {
        CheckCount(n, nameof(n));
        var values = new int[n];
        for (int i = 0; i < n; i++) values[i] = i;
        Shuffle<int>(values);
        return values;
    }

    /// <summary><c>shuffle(x)</c> in place: for i from n-1 down to 1 swap x[i] with x[random_interval(i)].</summary>
    public void Shuffle<T>(Span<T> values)
    {
        for (int i = values.Length - 1; i > 0; i--)
        {
            int j = (int)NextInterval((ulong)i);
            (values[i], values[j]) = (values[j], values[i]);
        }
    }

    private Tensor FilledTensor(int[] shape, Func<double> draw)
    {
        ArgumentNullException.ThrowIfNull(shape);
        long count = 1;
        foreach (int d in shape)
        {
            if (d < 0) throw new ArgumentOutOfRangeException(nameof(shape), $"shape must have non-negative sizes, got [{string.Join(", ", shape)}]");
            count *= d;
        }
        if (count > int.MaxValue) throw new ArgumentOutOfRangeException(nameof(shape), $"shape [{string.Join(", ", shape)}] has more than {int.MaxValue} elements");
        return Tensor.Wrap(Fill((int)count, draw), shape);
    }

    private static double[] Fill(int count, Func<double> draw)
    {
        CheckCount(count);
        var values = new double[count];
        for (int i = 0; i < count; i++) values[i] = draw();
        return values;
    }

    private static void CheckCount(int count, string name = "count")
    {
        if (count < 0) throw new ArgumentOutOfRangeException(name, count, $"{name} must be non-negative, got {count}");
    }
}
