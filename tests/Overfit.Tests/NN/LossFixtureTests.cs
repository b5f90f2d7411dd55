using System.Text.Json;
using Overfit.NN;
using Overfit.Tensors;

namespace Overfit.Tests.NN;

/// <summary>
/// Every loss against PyTorch 1.13 (tests/fixtures/reference/losses/losses_reference.py → losses.json): the
/// value under each option and the gradient of Σ cos(0.37k)·loss[k] for the input (and the target where the loss
/// differentiates it).
/// </summary>
public class LossFixtureTests
{
    private static readonly Lazy<Dictionary<string, JsonElement>> Cases = new(() =>
        Fixtures.ReferenceFixture.LoadDocument("losses/losses.json").GetProperty("cases").EnumerateArray().ToDictionary(c => c.GetProperty("name").GetString()!, c => c));

    public static TheoryData<string> Names()
    {
        var data = new TheoryData<string>();
        foreach (var name in Cases.Value.Keys) data.Add(name);
        return data;
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void MatchesPyTorch(string name)
    {
        var c = Cases.Value[name];
        var x = Read(c.GetProperty("input"), requiresGrad: true);
        var targetJson = c.GetProperty("target");
        bool targetGrad = c.TryGetProperty("grad_target", out var expectedTargetGrad);
        var t = Read(targetJson, targetGrad);
        var o = c.GetProperty("options");
        var reduction = ParseReduction(o.GetProperty("reduction").GetString()!);
        var loss = c.GetProperty("op").GetString() switch
        {
            "cross_entropy" => new CrossEntropyLoss(reduction, o.GetProperty("label_smoothing").GetDouble(), OptionalTensor(o, "weight", null), o.GetProperty("ignore_index").GetInt32()).Forward(x, Labels(targetJson)),
            "nll" => new NLLLoss(reduction, OptionalTensor(o, "weight", null), o.GetProperty("ignore_index").GetInt32()).Forward(x, Labels(targetJson)),
            "bce" => new BCELoss(reduction, OptionalTensor(o, "weight", "weight_shape")).Forward(x, t),
            "bce_with_logits" => new BCEWithLogitsLoss(reduction, OptionalTensor(o, "weight", "weight_shape"), OptionalTensor(o, "pos_weight", null)).Forward(x, t),
            "huber" => new HuberLoss(reduction, o.GetProperty("delta").GetDouble()).Forward(x, t),
            "smooth_l1" => new SmoothL1Loss(reduction, o.GetProperty("beta").GetDouble()).Forward(x, t),
            "kl_div" => new KLDivLoss(reduction, o.GetProperty("log_target").GetBoolean()).Forward(x, t),
            var op => throw new InvalidOperationException($"unknown op {op}"),
        };
        var expected = c.GetProperty("output");
        Assert.Equal(Ints(expected.GetProperty("shape")), loss.Shape);
        TestInputs.AssertClose(Doubles(expected.GetProperty("data")), loss.ToDoubleArray(), 1e-12, name);
        loss.Mul(TestInputs.Weights(loss.Shape)).Sum().Backward();
        TestInputs.AssertClose(Doubles(c.GetProperty("grad_input")), x.Grad!.ToDoubleArray(), 1e-10, name + " input grad");
        if (targetGrad) TestInputs.AssertClose(Doubles(expectedTargetGrad), t.Grad!.ToDoubleArray(), 1e-10, name + " target grad");
    }

    internal static Reduction ParseReduction(string s) => s switch
    {
        "mean" => Reduction.Mean,
        "sum" => Reduction.Sum,
        "none" => Reduction.None,
        "batchmean" => Reduction.BatchMean,
        _ => throw new ArgumentException(s),
    };

    private static Tensor Read(JsonElement e, bool requiresGrad)
        => Tensor.FromArray(Doubles(e.GetProperty("data")), Ints(e.GetProperty("shape")), requiresGrad);

    private static int[] Labels(JsonElement e) => Doubles(e.GetProperty("data")).Select(v => (int)v).ToArray();

    private static Tensor? OptionalTensor(JsonElement options, string name, string? shapeName)
    {
        var v = options.GetProperty(name);
        if (v.ValueKind == JsonValueKind.Null) return null;
        var data = Doubles(v);
        return Tensor.FromArray(data, shapeName is null ? [data.Length] : Ints(options.GetProperty(shapeName)));
    }

    private static double[] Doubles(JsonElement e) => e.EnumerateArray().Select(v => v.GetDouble()).ToArray();

    private static int[] Ints(JsonElement e) => e.EnumerateArray().Select(v => v.GetInt32()).ToArray();
}
