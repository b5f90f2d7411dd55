using Overfit.Tuning;

namespace Overfit.Tests.Tuning;

public class ParetoRanksTests
{
    private static readonly StudyDirection[] MinMin = [StudyDirection.Minimize, StudyDirection.Minimize];

    [Fact]
    public void FrontsSplitPointsByNonDomination()
    {
        // (1,5), (2,2), (5,1) dominate nothing of each other; (3,3) and (2,4) are dominated only by the first front; (6,6) by all.
        double[][] points = [[1, 5], [2, 2], [5, 1], [3, 3], [6, 6], [2, 4]];
        var fronts = ParetoRanks.Fronts(points.Length, (i, j) => ParetoFront.Dominates(points[i], points[j], MinMin));
        Assert.Equal(3, fronts.Count);
        Assert.Equal([0, 1, 2], fronts[0]);
        Assert.Equal([3, 5], fronts[1].Order());
        Assert.Equal([4], fronts[2]);
    }

    [Fact]
    public void RanksOfMinimizedScoresMatchTheFronts()
    {
        double[][] points = [[6, 6], [1, 5], [3, 3], [2, 2], [5, 1], [2, 2]];
        // Equal points never dominate each other, so both (2,2) share rank 0.
        Assert.Equal([2, 0, 1, 0, 0, 0], ParetoRanks.Of(points));
        Assert.Empty(ParetoRanks.Of([]));
    }

    [Fact]
    public void RanksAgreeWithPeelingOffParetoFronts()
    {
        // Reference by definition: repeatedly remove the points no remaining point dominates.
        var rng = new Random(7);
        double[][] points = Enumerable.Range(0, 60).Select(_ => new double[] { rng.Next(10), rng.Next(10), rng.Next(10) }).ToArray();
        var dirs = Enumerable.Repeat(StudyDirection.Minimize, 3).ToArray();
        var expected = new int[points.Length];
        var left = Enumerable.Range(0, points.Length).ToList();
        for (int rank = 0; left.Count > 0; rank++)
        {
            var front = left.Where(i => !left.Any(j => ParetoFront.Dominates(points[j], points[i], dirs))).ToList();
            foreach (int i in front) expected[i] = rank;
            left.RemoveAll(front.Contains);
        }
        Assert.Equal(expected, ParetoRanks.Of(points));
    }
}
