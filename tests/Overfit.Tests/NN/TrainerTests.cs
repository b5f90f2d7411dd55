using Overfit.Data;
using Overfit.NN;
using Overfit.Optim;
using Overfit.Tensors;

namespace Overfit.Tests.NN;

public class TrainerTests
{
    /// <summary>Three Gaussian blobs in 4-D, batches of 16.</summary>
    private static List<Batch> Blobs(int batches, ulong seed)
    {
        var g = new Generator(seed);
        var result = new List<Batch>();
        for (int b = 0; b < batches; b++)
        {
            var x = new float[16 * 4];
            var labels = new int[16];
            for (int i = 0; i < 16; i++)
            {
                labels[i] = g.NextInt(3);
                for (int j = 0; j < 4; j++) x[i * 4 + j] = (float)((j == labels[i] ? 3.0 : 0.0) + g.NextNormal());
            }
            result.Add(new Batch(Tensor.FromArray(x, [16, 4]), labels));
        }
        return result;
    }

    [Fact]
    public void Fit_LearnsBlobs_AndRecordsFiveTimesPerEpoch()
    {
        var model = new SimpleNetwork(new ReLU(), inputSize: 4, numLabels: 3, hidden: [16, 8], generator: new Generator(1));
        var trainer = new Trainer(model, new Adam(model.Parameters(), lr: 1e-2));
        var history = trainer.Fit(Blobs(20, 2), Blobs(5, 3), epochs: 3);
        Assert.Equal(15, history.Entries.Count);
        Assert.Equal([1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 3, 3, 3, 3, 3], history.Entries.Select(e => e.Epoch).ToArray());
        Assert.Equal(0.2, history.Entries[0].EpochProgress, 12);
        Assert.Equal(3, history.Epochs.Count);
        Assert.True(history.Epochs[^1].TestAccuracy > 0.9, $"test accuracy {history.Epochs[^1].TestAccuracy}");
        Assert.True(history.Entries[^1].TrainLoss < history.Entries[0].TrainLoss);
        Assert.True(model.Training);
    }

    [Fact]
    public void TrainStep_ZeroesGradientsInPlace_AndReusesTheirBuffers()
    {
        var model = new SimpleNetwork(new ReLU(), inputSize: 4, numLabels: 3, hidden: [8], generator: new Generator(4));
        var trainer = new Trainer(model, new Adam(model.Parameters(), lr: 1e-2));
        var batches = Blobs(2, 5);
        trainer.TrainStep(batches[0]);
        var buffers = model.Parameters().Select(p => p.Grad!).ToArray();
        // The second step's gradient is its batch's alone (zeroed, not accumulated), at the weights before its update.
        var weight = model.Parameters().First();
        var expected = Overfit.Autograd.Autograd.Gradient(new CrossEntropyLoss().Forward(model.Forward(batches[1].Inputs), batches[1].Labels!), [weight])[0];
        trainer.TrainStep(batches[1]);
        var after = model.Parameters().Select(p => p.Grad!).ToArray();
        for (int i = 0; i < buffers.Length; i++) Assert.Same(buffers[i], after[i]);
        Assert.Equal(expected.ToDoubleArray(), weight.Grad!.ToDoubleArray());
    }

    [Fact]
    public void DefaultOptimizer_IsTheChaptersSgdWithMomentum()
    {
        var trainer = new Trainer(new Linear(4, 3));
        var sgd = Assert.IsType<SGD>(trainer.Optimizer);
        Assert.Equal(1e-3, sgd.Lr);
        Assert.Equal(0.9, sgd.Momentum);
    }

    private sealed class GraphSpyLoss : ILoss
    {
        public int EvalCalls;

        public Tensor Compute(Tensor output, Batch batch)
        {
            if (!output.RequiresGrad) EvalCalls++;
            return new CrossEntropyLoss().Compute(output, batch);
        }
    }

    [Fact]
    public void Evaluate_BuildsNoGraph_AndRestoresTrainingMode()
    {
        var model = new Sequential(new Linear(4, 8), new Dropout(0.5), new Linear(8, 3));
        var spy = new GraphSpyLoss();
        var trainer = new Trainer(model, loss: spy);
        var test = Blobs(3, 4);
        var r1 = trainer.Evaluate(test);
        var r2 = trainer.Evaluate(test);
        Assert.Equal(3 + 3, spy.EvalCalls);
        Assert.Equal(r1.Loss, r2.Loss); // dropout off in eval: deterministic
        Assert.Equal(48, r1.Count);
        Assert.True(model.Training);
        Assert.All(model.Parameters(), p => Assert.Null(p.Grad));
    }

    [Fact]
    public void Cancellation_StopsAndReportsIt()
    {
        var model = new Linear(4, 3);
        var trainer = new Trainer(model);
        using var cts = new CancellationTokenSource();
        int batches = 0;
        trainer.Callbacks.Add(new BatchCounter(() => { if (++batches == 7) cts.Cancel(); }));
        var history = trainer.Fit(Blobs(5, 1), null, epochs: 10, cts.Token);
        Assert.True(history.Cancelled);
        Assert.Equal(7, batches);
        Assert.Single(history.Epochs);
    }

    private sealed class BatchCounter(Action onBatch) : TrainingCallback
    {
        public override void OnBatchEnd(Trainer trainer, int epoch, int batchIndex, double loss) => onBatch();
    }

    [Fact]
    public void EarlyStopping_StopsAfterPatience_AndRestoresTheBestWeights()
    {
        var model = new Linear(4, 3, generator: new Generator(2));
        var trainer = new Trainer(model, new SGD(model.Parameters(), lr: 0.1));
        // A scripted monitor: best at epoch 2, worse afterwards.
        double[] scores = [1.0, 0.5, 0.7, 0.8, 0.9, 0.4];
        var snapshots = new List<double[]>();
        trainer.Callbacks.Add(new EpochEndCallback((t, s) => snapshots.Add(t.Model.Parameters().First().ToDoubleArray())));
        var stopper = new EarlyStopping(patience: 3, restoreBest: true, monitor: s => scores[s.Epoch - 1]);
        trainer.Callbacks.Add(stopper);
        var history = trainer.Fit(Blobs(4, 5), null, epochs: 6);
        Assert.Equal(5, history.Epochs.Count);
        Assert.Equal(5, history.StoppedEarlyAt);
        Assert.Equal(2, stopper.BestEpoch);
        Assert.Equal(snapshots[1], model.Parameters().First().ToDoubleArray());
        Assert.NotEqual(snapshots[4], model.Parameters().First().ToDoubleArray());
    }

    [Fact]
    public void EarlyStopping_MinDelta_CountsSmallGainsAsNoImprovement()
    {
        var model = new Linear(4, 3);
        var trainer = new Trainer(model);
        double[] scores = [1.0, 0.99, 0.98, 0.97];
        trainer.Callbacks.Add(new EarlyStopping(patience: 2, minDelta: 0.05, monitor: s => scores[s.Epoch - 1]));
        var history = trainer.Fit(Blobs(2, 5), Blobs(1, 6), epochs: 4);
        Assert.Equal(3, history.Epochs.Count);
        Assert.Equal("patience", Assert.Throws<ArgumentOutOfRangeException>(() => new EarlyStopping(-1)).ParamName);
    }

    [Fact]
    public void BinaryTraining_WithBceLoss_MeasuresThresholdAccuracy_AndWritesProgress()
    {
        var model = DropoutExperimentModels.Create(withDropout: true, inputSize: 4, generator: new Generator(3));
        var data = Blobs(10, 7).Select(b => new Batch(b.Inputs, null, Tensor.FromArray(b.Labels!.Select(l => l == 0 ? 1f : 0f).ToArray(), [16, 1]))).ToList();
        var trainer = new Trainer(model, new Adam(model.Parameters(), lr: 1e-2), new BCELoss(), evaluationsPerEpoch: 1);
        var text = new StringWriter();
        trainer.Callbacks.Add(new ProgressBar(text));
        var history = trainer.Fit(data, data, epochs: 3);
        Assert.True(history.Epochs[^1].TestAccuracy > 0.9, $"accuracy {history.Epochs[^1].TestAccuracy} " + string.Join(";", history.Epochs.Select(e => $"{e.TrainLoss} {e.TrainAccuracy} {e.TestLoss}")));
        Assert.Contains("epoch 3: train loss", text.ToString());
    }

    [Fact]
    public void UnknownLength_FirstEpochRecordsAtTheEnd_LaterEpochsAtTheInterval()
    {
        var model = new Linear(4, 3);
        var trainer = new Trainer(model, evaluationsPerEpoch: 2);
        var data = Blobs(4, 8);
        var history = trainer.Fit(_ => data.Select(b => b), null, epochs: 2);
        Assert.Equal([1, 2, 2], history.Entries.Select(e => e.Epoch).ToArray());
        Assert.True(double.IsNaN(history.Entries[0].TestLoss));
    }

    [Fact]
    public void Scheduler_IsSteppedPerEpoch_AndClippingKeepsTheNormBounded()
    {
        var model = new Linear(4, 3);
        var opt = new SGD(model.Parameters(), lr: 0.1);
        var trainer = new Trainer(model, opt) { Scheduler = new StepLR(opt, 1, 0.5), MaxGradNorm = 0.01 };
        double maxNorm = 0;
        trainer.Callbacks.Add(new BatchCounter(() =>
        {
            double sq = model.Parameters().Sum(p => p.Grad!.ToDoubleArray().Sum(v => v * v));
            maxNorm = Math.Max(maxNorm, Math.Sqrt(sq));
        }));
        trainer.Fit(Blobs(3, 1), null, epochs: 3);
        Assert.Equal(0.1 * 0.125, opt.Lr, 12);
        Assert.True(maxNorm <= 0.01 + 1e-6, $"gradient norm {maxNorm}");
    }
}

public class MonteCarloDropoutTests
{
    [Fact]
    public void Predict_AveragesStochasticPasses_AndRestoresModes()
    {
        var model = new Sequential(new Linear(3, 16, generator: new Generator(1)), new ReLU(), new Dropout(0.5, new Generator(2)), new Linear(16, 1, generator: new Generator(3)));
        model.Eval();
        var x = Tensor.Randn([4, 3], new Generator(4));
        var (mean, variance) = MonteCarloDropout.Predict(model, x, samples: 200);
        Assert.Equal([4, 1], mean.Shape);
        Assert.All(variance.ToDoubleArray(), v => Assert.True(v > 0));
        // Inverted dropout keeps the expectation: the MC mean approaches the deterministic eval output.
        var plain = model.Forward(x).ToDoubleArray();
        var spread = variance.ToDoubleArray().Select(Math.Sqrt).ToArray();
        var m = mean.ToDoubleArray();
        for (int i = 0; i < 4; i++) Assert.True(Math.Abs(m[i] - plain[i]) < 5 * spread[i] / Math.Sqrt(200) + 1e-6, $"row {i}: {m[i]} vs {plain[i]}");
        Assert.All(model.NamedModules(), mm => Assert.False(mm.Module.Training));
        Assert.Equal("samples", Assert.Throws<ArgumentOutOfRangeException>(() => MonteCarloDropout.Predict(model, x, 1)).ParamName);
    }

    [Fact]
    public void Trainer_SavesTheFinalModel_WhenAskedTo()
    {
        string path = Path.Combine(Path.GetTempPath(), "overfit-trainer-" + Guid.NewGuid().ToString("N") + ".safetensors");
        try
        {
            var model = new Linear(4, 3);
            var data = new List<Overfit.Data.Batch> { new(Tensor.Randn([8, 4], new Generator(1)), [0, 1, 2, 0, 1, 2, 0, 1]) };
            new Trainer(model) { SavePath = path }.Fit(data, null, epochs: 1);
            Assert.Equal(model.Weight.ToDoubleArray(), Checkpoint.Read(path).Tensors["weight"].ToDoubleArray());
        }
        finally
        {
            File.Delete(path);
        }
    }
}
