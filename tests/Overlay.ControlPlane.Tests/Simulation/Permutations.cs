namespace Overlay.ControlPlane.Tests.Simulation;

internal static class Permutations
{
    /// <summary>Every ordering of <paramref name="items"/> (Heap's algorithm).</summary>
    public static IEnumerable<T[]> Of<T>(IReadOnlyList<T> items)
    {
        var a = items.ToArray();
        var c = new int[a.Length];
        yield return (T[])a.Clone();
        int i = 0;
        while (i < a.Length)
        {
            if (c[i] < i)
            {
                int j = i % 2 == 0 ? 0 : c[i];
                (a[j], a[i]) = (a[i], a[j]);
                yield return (T[])a.Clone();
                c[i]++;
                i = 0;
            }
            else
            {
                c[i] = 0;
                i++;
            }
        }
    }

    /// <summary>Fisher-Yates with the given random source.</summary>
    public static void Shuffle<T>(IList<T> items, Random random)
    {
        for (int i = items.Count - 1; i > 0; i--)
        {
            int j = random.Next(i + 1);
            (items[i], items[j]) = (items[j], items[i]);
        }
    }
}
