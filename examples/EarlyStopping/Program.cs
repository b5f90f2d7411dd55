// Train the chapter's SimpleNetwork with early stopping: stop when the validation loss has not improved for
// `patience` epochs and restore the weights of the best epoch (Keras' EarlyStopping(restore_best_weights=True)).
// Data: the chapter's synthetic dropout task (2,000 x 30 standard-normal features, label from
// sin(2 x0) + x1 x2 + noise > 0, 70/30 split, standardized), generated, so it runs anywhere in seconds.
using Overfit.Data;
using Overfit.Data.Synthetic;
using Overfit.NN;
using Overfit.Optim;
using Overfit.Tensors;

const int Seed = 42;
var data = ChapterData.Dropout(seed: Seed);
var train = new TensorDataset(Tensor.FromArray(data.XTrain), labels: Labels(data.YTrain));
var validation = new TensorDataset(Tensor.FromArray(data.XTest), labels: Labels(data.YTest));

// 30 -> 128 -> 64 -> 2 with ReLU; two output logits, one per class, for the cross-entropy loss.
var model = new SimpleNetwork(new ReLU(), inputSize: 30, numLabels: 2, hidden: [128, 64], generator: new Generator(Seed));
var trainer = new Trainer(model, new Adam(model.Parameters(), lr: 1e-3), new CrossEntropyLoss(), evaluationsPerEpoch: 1);
var stopping = new EarlyStopping(patience: 5, restoreBest: true);
trainer.Callbacks.Add(stopping);
trainer.Callbacks.Add(new EpochEndCallback((_, e) =>
    Console.WriteLine($"epoch {e.Epoch,3}  train loss {e.TrainLoss:F4}  validation loss {e.TestLoss:F4}  validation accuracy {e.TestAccuracy:P1}")));

var history = trainer.Fit(
    new DataLoader(train, batchSize: 64, shuffle: true, seed: Seed),
    new DataLoader(validation, batchSize: 512),
    epochs: 100);

var best = trainer.Evaluate(new DataLoader(validation, batchSize: 512));
Console.WriteLine(history.StoppedEarlyAt is int stoppedAt
    ? $"stopped early after epoch {stoppedAt}; restored the weights of epoch {stopping.BestEpoch}"
    : $"ran all {history.Epochs.Count} epochs; best epoch {stopping.BestEpoch}");
Console.WriteLine($"validation loss {best.Loss:F4}, accuracy {best.Accuracy:P1} with the restored weights");

static int[] Labels(float[] y) => y.Select(v => (int)v).ToArray();
