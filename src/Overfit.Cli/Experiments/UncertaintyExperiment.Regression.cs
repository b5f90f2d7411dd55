using Overfit.Cli.Infrastructure;
using Overfit.Data;
using Overfit.Data.Preprocessing;
using Overfit.Data.Tabular;
using Overfit.NN;
using Overfit.Optim;
using Overfit.Tensors;

namespace Overfit.Cli.Experiments;

internal sealed partial class UncertaintyExperiment
{
    private sealed record RegressionSettings(int Splits, int Epochs, int Samples, double Dropout, double LengthScale, double[] Taus)
    {
        public void Validate()
        {
            if (Splits < 1) throw new ArgumentOutOfRangeException(nameof(Splits), Splits, $"--splits: expected at least 1, got {Splits}");
            if (Epochs < 1) throw new ArgumentOutOfRangeException(nameof(Epochs), Epochs, $"--epochs: expected at least 1, got {Epochs}");
            if (Samples < 2) throw new ArgumentOutOfRangeException(nameof(Samples), Samples, $"--samples: expected at least 2 stochastic passes (T), got {Samples}");
            if (!(Dropout > 0 && Dropout < 1)) throw new ArgumentOutOfRangeException(nameof(Dropout), Dropout, $"--dropout: expected a probability in (0, 1), got {Dropout}");
            if (!(LengthScale > 0)) throw new ArgumentOutOfRangeException(nameof(LengthScale), LengthScale, $"--length-scale: expected a positive number, got {LengthScale}");
            if (Taus.Length == 0 || Taus.Any(t => !(t > 0)))
                throw new ArgumentOutOfRangeException(nameof(Taus), string.Join(" ", Taus), $"--tau: expected one or more positive precisions, got [{string.Join(", ", Taus)}]");
        }
    }

    private sealed record RegressionData(string Name, double[,] X, double[] Y);

    private sealed record SplitResult(double McRmse, double McLogLikelihood, double StandardRmse, double Tau, double[] TestY, double[] Mean, double[] Std);

    private sealed record RegressionOutcome(string DataName, int Rows, int Features, RegressionSettings Settings, IReadOnlyList<SplitResult> Splits)
    {
        public static (double Mean, double StandardError) Summary(IEnumerable<double> values)
        {
            var v = values.ToArray();
            double mean = v.Average();
            double se = v.Length < 2 ? double.NaN : Math.Sqrt(v.Sum(x => (x - mean) * (x - mean)) / (v.Length - 1) / v.Length);
            return (mean, se);
        }

        public Dictionary<string, object?> ToMetrics()
        {
            var (rmse, rmseSe) = Summary(Splits.Select(s => s.McRmse));
            var (ll, llSe) = Summary(Splits.Select(s => s.McLogLikelihood));
            var (standard, standardSe) = Summary(Splits.Select(s => s.StandardRmse));
            return new()
            {
                ["data"] = DataName,
                ["rows"] = Rows,
                ["features"] = Features,
                ["splits"] = Splits.Count,
                ["epochs"] = Settings.Epochs,
                ["samples"] = Settings.Samples,
                ["dropout"] = Settings.Dropout,
                ["length_scale"] = Settings.LengthScale,
                ["tau_grid"] = Settings.Taus,
                ["tau_chosen"] = Splits.Select(s => s.Tau).ToArray(),
                ["mc_rmse_mean"] = rmse,
                ["mc_rmse_se"] = rmseSe,
                ["mc_test_ll_mean"] = ll,
                ["mc_test_ll_se"] = llSe,
                ["standard_rmse_mean"] = standard,
                ["standard_rmse_se"] = standardSe,
                ["mc_rmse"] = Splits.Select(s => s.McRmse).ToArray(),
                ["mc_test_ll"] = Splits.Select(s => s.McLogLikelihood).ToArray(),
            };
        }

        public ResultTable Table()
        {
            var table = new ResultTable($"MC dropout regression on {DataName} ({Splits.Count} random 90/10 splits, mean ± standard error; targets in their own units)",
                "prediction", "test RMSE", "test log-likelihood");
            var (rmse, rmseSe) = Summary(Splits.Select(s => s.McRmse));
            var (ll, llSe) = Summary(Splits.Select(s => s.McLogLikelihood));
            var (standard, standardSe) = Summary(Splits.Select(s => s.StandardRmse));
            table.AddRow($"MC dropout (T = {Settings.Samples})", PlusMinus(rmse, rmseSe), PlusMinus(ll, llSe));
            table.AddRow("standard dropout (weights scaled, one pass)", PlusMinus(standard, standardSe), "—");
            return table;
        }
    }

    private static string PlusMinus(double mean, double se) =>
        double.IsNaN(se)
            ? mean.ToString("F3", System.Globalization.CultureInfo.InvariantCulture)
            : string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{mean:F3} ± {se:F3}");

    private static RegressionData LoadRegressionData(RunContext context, string? csvPath, string? target)
    {
        if (csvPath is null)
        {
            if (target is not null) throw new ArgumentException("--target: only applies to --csv, got a target without a file");
            var diabetes = Diabetes.Load(scaled: false);
            context.RecordSetting("regression_data", "diabetes (442 × 10, as scikit-learn's load_diabetes(scaled=False))");
            return new RegressionData("diabetes", diabetes.X, diabetes.Y);
        }
        if (!File.Exists(csvPath)) throw new ArgumentException($"--csv: expected an existing CSV file, got '{csvPath}' (not found)");
        var csv = CsvData.Read(csvPath);
        if (csv.Header.Count < 2) throw new ArgumentException($"--csv: expected at least one feature column and a target column, got {csv.Header.Count} column(s)");
        int targetColumn = target is null ? csv.Header.Count - 1 : csv.ColumnIndices(target, "--target")[0];
        var features = Enumerable.Range(0, csv.Header.Count).Where(c => c != targetColumn).ToArray();
        if (csv.Rows.Count < 20) throw new ArgumentException($"--csv: expected at least 20 data rows for 90/10 splits, got {csv.Rows.Count}");
        var y = csv.Numbers(new[] { targetColumn });
        context.RecordSetting("regression_data", $"{Path.GetFullPath(csvPath)}: target '{csv.Header[targetColumn]}', {features.Length} features");
        return new RegressionData(Path.GetFileNameWithoutExtension(csvPath), csv.Numbers(features), Enumerable.Range(0, csv.Rows.Count).Select(i => y[i, 0]).ToArray());
    }

    private static RegressionOutcome RunRegression(RunContext context, RegressionData data, RegressionSettings s)
    {
        context.RecordSetting("regression_model", $"Dropout({s.Dropout}) → Linear({data.X.GetLength(1)}, {HiddenUnits}) → ReLU → Dropout({s.Dropout}) → Linear({HiddenUnits}, 1), L2 weight decay λ = (1 − p) l² / (2 N τ)");
        context.RecordSetting("regression_protocol", $"{s.Splits} random 90/10 splits, Adam 1e-3, batch {BatchSize}, {s.Epochs} epochs, T = {s.Samples}, l = {s.LengthScale}, τ from [{string.Join(", ", s.Taus)}]");
        int n = data.Y.Length;
        var results = context.Track($"MC dropout on {data.Name}", s.Splits, tick =>
        {
            var list = new List<SplitResult>();
            for (int split = 0; split < s.Splits; split++)
            {
                var (train, test) = TrainTestSplit.Indices(n, testSize: 0.1, randomState: context.Seed * 1000L + split);
                double tau = s.Taus[0];
                if (s.Taus.Length > 1)
                {
                    // The paper's choice of τ: the best log-likelihood on a held-out fifth of the training part.
                    var (inner, validation) = TrainTestSplit.Indices(train.Length, testSize: 0.2, randomState: context.Seed * 1000L + split + 500_000);
                    int[] innerRows = inner.Select(i => train[i]).ToArray(), validationRows = validation.Select(i => train[i]).ToArray();
                    tau = s.Taus.MaxBy(t => Evaluate(data, innerRows, validationRows, t, s, context.CreateGenerator(10_000 + split), Math.Min(s.Samples, 500)).McLogLikelihood);
                }
                list.Add(Evaluate(data, train, test, tau, s, context.CreateGenerator(1000 + split), s.Samples));
                tick.Advance();
            }
            return list;
        });
        return new RegressionOutcome(data.Name, n, data.X.GetLength(1), s, results);
    }

    /// <summary>Trains on <paramref name="trainRows"/> (standardized on them) and scores the MC and standard predictions on <paramref name="testRows"/>.</summary>
    private static SplitResult Evaluate(RegressionData data, int[] trainRows, int[] testRows, double tau, RegressionSettings s, Generator generator, int samples)
    {
        var xTrain = TrainTestSplit.TakeRows(data.X, trainRows);
        var xTest = TrainTestSplit.TakeRows(data.X, testRows);
        double[] yTrain = trainRows.Select(i => data.Y[i]).ToArray(), yTest = testRows.Select(i => data.Y[i]).ToArray();
        var scaler = new StandardScaler().Fit(xTrain);
        double yMean = yTrain.Average();
        double yStd = Math.Sqrt(yTrain.Sum(v => (v - yMean) * (v - yMean)) / yTrain.Length);
        if (!(yStd > 0)) throw new ArgumentException("--csv: expected a target that varies within the training split, got a constant");

        var inputs = Tensor.FromArray(scaler.Transform(xTrain)).To(DType.Float32);
        var targets = Tensor.FromArray(yTrain.Select(v => (float)((v - yMean) / yStd)).ToArray(), [yTrain.Length, 1]);
        double lambda = McDropoutPredictor.WeightDecay(s.Dropout, s.LengthScale, tau, yTrain.Length);
        int d = data.X.GetLength(1);
        var model = new Sequential(
            new Dropout(s.Dropout, generator),
            new Linear(d, HiddenUnits, generator: generator) { WeightRegularizer = Regularizers.L2(lambda) },
            new ReLU(),
            new Dropout(s.Dropout, generator),
            new Linear(HiddenUnits, 1, generator: generator) { WeightRegularizer = Regularizers.L2(lambda) });
        var trainer = new Trainer(model, new Adam(model.Parameters(), lr: 1e-3), new MSELoss(), evaluationsPerEpoch: 1);
        var loader = new DataLoader(new TensorDataset(inputs, targets: targets), BatchSize, shuffle: true, seed: generator.NextUInt64());
        trainer.Fit(loader, null, s.Epochs);

        var testInputs = Tensor.FromArray(scaler.Transform(xTest)).To(DType.Float32);
        var mc = new McDropoutPredictor(model, samples).PredictRegression(testInputs, tau).Rescale(yMean, yStd);
        model.Eval();
        double[] standard;
        using (Autograd.Autograd.NoGrad()) standard = model.Forward(testInputs).ToDoubleArray().Select(v => yMean + yStd * v).ToArray();
        double standardRmse = Math.Sqrt(standard.Select((v, i) => (v - yTest[i]) * (v - yTest[i])).Average());
        return new SplitResult(mc.Rmse(yTest), mc.LogLikelihood(yTest), standardRmse, tau, yTest, mc.Mean, mc.Variance.Select(Math.Sqrt).ToArray());
    }
}
