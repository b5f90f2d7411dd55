namespace Overfit.Tuning;

/// <summary>
/// Non-dominated sorting, the one implementation behind NSGA-II's survivor selection, multi-objective TPE's "below"
/// split and <see cref="Study.BestTrials"/>.
/// </summary>
internal static class ParetoRanks
{
    /// <summary>
    /// Fast non-dominated sorting (Deb et al. 2002): indices 0..n−1 split into fronts, the first holding the members no
    /// one dominates, each next one those dominated only by earlier fronts.
    /// The first front lists its members in index order; later fronts in the order their last dominator was released.
    /// </summary>
    public static List<List<int>> Fronts(int n, Func<int, int, bool> dominates)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(n);
        ArgumentNullException.ThrowIfNull(dominates);
        var dominatedCount = new int[n];
        var dominatesList = new List<int>[n];
        for (int i = 0; i < n; i++) dominatesList[i] = [];
        for (int i = 0; i < n; i++)
            for (int j = i + 1; j < n; j++)
            {
                if (dominates(i, j)) { dominatesList[i].Add(j); dominatedCount[j]++; }
                else if (dominates(j, i)) { dominatesList[j].Add(i); dominatedCount[i]++; }
            }
        var fronts = new List<List<int>>();
        var current = Enumerable.Range(0, n).Where(i => dominatedCount[i] == 0).ToList();
        while (current.Count > 0)
        {
            fronts.Add(current);
            var next = new List<int>();
            foreach (int i in current)
                foreach (int j in dominatesList[i])
                    if (--dominatedCount[j] == 0) next.Add(j);
            current = next;
        }
        return fronts;
    }

    /// <summary>The front number (0 = non-dominated) of each point, all objectives minimized.</summary>
    public static int[] Of(double[][] minimizedScores)
    {
        ArgumentNullException.ThrowIfNull(minimizedScores);
        var ranks = new int[minimizedScores.Length];
        if (minimizedScores.Length == 0) return ranks;
        var directions = Enumerable.Repeat(StudyDirection.Minimize, minimizedScores[0].Length).ToArray();
        var fronts = Fronts(minimizedScores.Length, (i, j) => ParetoFront.Dominates(minimizedScores[i], minimizedScores[j], directions));
        for (int r = 0; r < fronts.Count; r++)
            foreach (int i in fronts[r]) ranks[i] = r;
        return ranks;
    }
}
