namespace ManagementPlane.State;

/// <summary>
/// A value that only moves forward: a candidate replaces it only when <c>replaces(candidate, current)</c> says so, and the
/// check and the swap are one atomic step. A check-then-set would let a slow caller that checked against an older value
/// overwrite a newer one stored in between; the compare-and-swap notices that and checks again.
/// </summary>
internal sealed class ForwardOnly<T>(T initial, Func<T, T, bool> replaces)
    where T : class
{
    private T value = initial;

    public T Value => Volatile.Read(ref value);

    /// <summary>Stores <paramref name="candidate"/> unless the value is (or has meanwhile become) one it does not replace.</summary>
    public bool TryAdvance(T candidate)
    {
        while (true)
        {
            var known = Volatile.Read(ref value);
            if (!replaces(candidate, known))
            {
                return false;
            }

            if (ReferenceEquals(Interlocked.CompareExchange(ref value, candidate, known), known))
            {
                return true;
            }
        }
    }
}
