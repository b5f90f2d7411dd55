using Overfit.NN;

namespace Overfit.Tests.NN;

/// <summary>Prechelt's GL, PQ and UP criteria and the overfitting report on constructed histories whose answers are worked out by hand.</summary>
public class OverfittingCriteriaTests
{
    // Validation loss falls to its minimum at epoch 7 (0.47), then rises; training loss keeps falling.
    private static readonly double[] OverfitVal = [1.00, 0.80, 0.65, 0.55, 0.50, 0.48, 0.47, 0.49, 0.52, 0.55, 0.58, 0.61, 0.64, 0.67, 0.70];
    private static readonly double[] OverfitTrain = [1.00, 0.78, 0.62, 0.50, 0.42, 0.36, 0.31, 0.27, 0.24, 0.21, 0.19, 0.17, 0.15, 0.13, 0.12];

    private static LossHistory Overfitting() => new(OverfitTrain, OverfitVal);

    [Fact]
    public void GeneralizationLoss_IsPercentAboveTheRunningMinimum()
    {
        var gl = StoppingCriteria.GeneralizationLoss(Overfitting());
        Assert.Equal(0, gl[6], 12);
        Assert.Equal(100 * (0.49 / 0.47 - 1), gl[7], 12);
        Assert.Equal(100 * (0.70 / 0.47 - 1), gl[14], 12);
        // GL_5 first exceeds 5 % at epoch 9 (epoch 8 is 4.26 %).
        Assert.Equal(9, StoppingCriteria.FirstStop(new GeneralizationLossCriterion(5), Overfitting()));
        Assert.Equal(8, StoppingCriteria.FirstStop(new GeneralizationLossCriterion(4), Overfitting()));
    }

    [Fact]
    public void TrainingProgress_AndProgressQuotient_FollowPrechelt()
    {
        var h = Overfitting();
        var p = StoppingCriteria.TrainingProgress(h, 5);
        Assert.All(p.Take(4), v => Assert.True(double.IsNaN(v)));
        Assert.Equal(1000 * ((0.36 + 0.31 + 0.27 + 0.24 + 0.21) / (5 * 0.21) - 1), p[9], 10);
        var pq = StoppingCriteria.ProgressQuotient(h, 5);
        Assert.Equal(100 * (0.70 / 0.47 - 1) / (1000 * ((0.19 + 0.17 + 0.15 + 0.13 + 0.12) / (5 * 0.12) - 1)), pq[14], 10);
        // Training is still progressing fast: the quotient stays below 3 and PQ_3 never fires.
        Assert.Null(StoppingCriteria.FirstStop(new ProgressQuotientCriterion(3, 5), h));

        // Converged training (progress 0.2 per mille) with a validation loss 4.5 % above its best: PQ fires, GL_5 does not.
        var converged = new LossHistory([0.5, 0.3, 0.2, 0.15, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1001], [0.6, 0.4, 0.3, 0.25, 0.2, 0.2, 0.2, 0.2, 0.2, 0.209]);
        Assert.Equal(4.5 / 0.2, StoppingCriteria.ProgressQuotient(converged, 5)[9], 6);
        Assert.Equal(10, StoppingCriteria.FirstStop(new ProgressQuotientCriterion(3, 5), converged));
        Assert.Null(StoppingCriteria.FirstStop(new GeneralizationLossCriterion(5), converged));
    }

    [Fact]
    public void SuccessiveIncreases_CountsRisingStrips()
    {
        var up = StoppingCriteria.RisingStrips(Overfitting(), 5);
        // Strip ends: epoch 5 (0.50), 10 (0.55 > 0.50), 15 (0.70 > 0.55).
        Assert.Equal(0, up[4]);
        Assert.Equal(1, up[9]);
        Assert.Equal(2, up[14]);
        Assert.True(double.IsNaN(up[10]));
        Assert.Equal(10, StoppingCriteria.FirstStop(new SuccessiveIncreasesCriterion(1, 5), Overfitting()));
        Assert.Equal(15, StoppingCriteria.FirstStop(new SuccessiveIncreasesCriterion(2, 5), Overfitting()));
        Assert.Null(StoppingCriteria.FirstStop(new SuccessiveIncreasesCriterion(3, 5), Overfitting()));
    }

    [Fact]
    public void Report_FindsOverfitting_ItsOnsetAndStrength()
    {
        var report = OverfittingReport.Analyze(Overfitting());
        Assert.True(report.Overfits);
        Assert.Equal(7, report.BestEpoch);
        Assert.Equal(9, report.OnsetEpoch);
        Assert.Equal(0.47, report.BestValidationLoss);
        Assert.Equal(100 * (0.70 / 0.47 - 1), report.FinalGeneralizationLoss, 10);
        // Medians: epochs 5–9 around the minimum (0.49) against the last five (0.64).
        Assert.Equal(100 * (0.64 / 0.49 - 1), report.SustainedGeneralizationLoss, 10);
        Assert.Equal(0.47 - 0.31, report.GapAtBest, 12);
        Assert.Equal(0.70 - 0.12, report.GapAtEnd, 12);
        Assert.True(report.GapTrend > 0.04 && report.GapTrend < 0.06, $"gap trend {report.GapTrend}");
        Assert.Equal([9, null, 15], report.Criteria.Select(c => c.StopEpoch).ToArray());
        Assert.Equal(["GL5", "PQ3", "UP2"], report.Criteria.Select(c => c.Name).ToArray());
        var json = report.ToJsonObject();
        Assert.Equal(true, json["overfits"]);
        Assert.Equal(9, json["onset_epoch"]);
        Assert.Contains("overfits from epoch 9", report.Describe());
    }

    [Fact]
    public void Report_OnAStillImprovingHistory_SaysNo()
    {
        var report = OverfittingReport.Analyze(new LossHistory(
            [0.9, 0.7, 0.6, 0.52, 0.46, 0.42, 0.39, 0.37, 0.355, 0.345],
            [1.0, 0.9, 0.82, 0.76, 0.71, 0.67, 0.64, 0.62, 0.605, 0.6]));
        Assert.False(report.Overfits);
        Assert.Null(report.OnsetEpoch);
        Assert.Equal(10, report.BestEpoch);
        Assert.All(report.Criteria, c => Assert.Null(c.StopEpoch));
        Assert.StartsWith("does not overfit", report.Describe());
    }

    [Fact]
    public void Report_IgnoresAOneEpochSpike()
    {
        // A spike of 20 % at epoch 6 fires GL_5, but the validation loss recovers to new minima: no overfitting.
        var report = OverfittingReport.Analyze(new LossHistory(
            [0.9, 0.7, 0.6, 0.52, 0.46, 0.42, 0.39, 0.37, 0.355, 0.345],
            [1.0, 0.9, 0.82, 0.76, 0.71, 0.852, 0.64, 0.62, 0.605, 0.6]));
        Assert.Equal(6, report.Criteria[0].StopEpoch);
        Assert.False(report.Overfits);
    }

    [Fact]
    public void Report_OnANoisyPlateau_SaysNo_ThoughGLFires()
    {
        // After its minimum (0.40, epoch 8) the validation loss wanders on a plateau: one epoch is 7.5 % above the minimum
        // (GL_5 fires there), but the last strip's median is 0.41, the same as the median of the strip around the minimum.
        var report = OverfittingReport.Analyze(new LossHistory(
            [0.9, 0.7, 0.6, 0.52, 0.46, 0.42, 0.39, 0.37, 0.36, 0.35, 0.345, 0.34, 0.335, 0.33, 0.328, 0.326, 0.324],
            [1.0, 0.8, 0.6, 0.50, 0.45, 0.42, 0.41, 0.40, 0.43, 0.405, 0.41, 0.42, 0.41, 0.405, 0.41, 0.415, 0.40]));
        Assert.Equal(9, report.Criteria[0].StopEpoch);
        Assert.Equal(8, report.BestEpoch);
        Assert.Equal(100 * (0.41 / 0.41 - 1), report.SustainedGeneralizationLoss, 12);
        Assert.False(report.Overfits);
        Assert.Null(report.OnsetEpoch);
    }

    [Fact]
    public void BadHistories_GetClearMessages()
    {
        var shortHistory = new LossHistory([1, 0.9, 0.8], [1, 0.95, 0.9]);
        var e = Assert.Throws<ArgumentException>(() => OverfittingReport.Analyze(shortHistory));
        Assert.Contains("at least 5 epochs", e.Message);
        Assert.Contains("got 3", e.Message);
        var nan = Assert.Throws<ArgumentException>(() => new LossHistory([1, 0.9, 0.8], [1, double.NaN, 0.9]));
        Assert.Contains("epoch 2 is NaN", nan.Message);
        Assert.Equal("validationLoss", nan.ParamName);
        Assert.Throws<ArgumentException>(() => new LossHistory([1, 0.9], [1]));
        Assert.Throws<ArgumentException>(() => new LossHistory([1, 0.9], [1, 0.9], epochs: [2, 2]));
        Assert.Throws<ArgumentOutOfRangeException>(() => new GeneralizationLossCriterion(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new SuccessiveIncreasesCriterion(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ProgressQuotientCriterion(1, stripLength: 0));
        // A validation loss of exactly 0 leaves GL undefined.
        Assert.Throws<ArgumentException>(() => StoppingCriteria.GeneralizationLoss(new LossHistory([1, 1], [0, 0.5])));
    }

    [Fact]
    public void EarlyStopping_WithACriterion_StopsWhereTheFunctionSays()
    {
        foreach (IStoppingCriterion criterion in new IStoppingCriterion[] { new GeneralizationLossCriterion(5), new SuccessiveIncreasesCriterion(1, 5) })
        {
            var model = new Linear(2, 1);
            var trainer = new Trainer(model, loss: new MSELoss());
            var stopping = new EarlyStopping(criterion);
            stopping.OnTrainBegin(trainer);
            int epoch = 0;
            while (!trainer.StopRequested && epoch < OverfitVal.Length)
            {
                stopping.OnEpochEnd(trainer, new EpochSummary(epoch + 1, OverfitTrain[epoch], double.NaN, OverfitVal[epoch], double.NaN, 0));
                epoch++;
            }
            Assert.Equal(StoppingCriteria.FirstStop(criterion, Overfitting()), stopping.StoppedEpoch);
            Assert.Equal(stopping.StoppedEpoch, epoch);
            Assert.Equal(7, stopping.BestEpoch);
        }
    }
}
