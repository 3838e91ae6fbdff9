using ManagementPlane.State;

namespace ManagementPlane.Tests.State;

public sealed class ForwardOnlyTests
{
    private sealed record Revision(long Number);

    private static bool Newer(Revision candidate, Revision known) => candidate.Number >= known.Number;

    [Fact]
    public void TryAdvance_OlderAfterNewer_KeepsTheNewer()
    {
        var cell = new ForwardOnly<Revision>(new Revision(4), Newer);

        Assert.True(cell.TryAdvance(new Revision(6)));
        Assert.False(cell.TryAdvance(new Revision(5)));

        Assert.Equal(6, cell.Value.Number);
    }

    [Fact]
    public void TryAdvance_NewerStoredBetweenCheckAndSwap_KeepsTheNewer()
    {
        // The race of two state reads, made deterministic: while the caller holding revision 5 has checked it against
        // revision 4 (and found it newer), another caller stores revision 6. A check-then-set would now store 5.
        ForwardOnly<Revision>? cell = null;
        var interleaved = false;
        cell = new ForwardOnly<Revision>(new Revision(4), (candidate, known) =>
        {
            var newer = Newer(candidate, known);
            if (candidate.Number == 5 && !interleaved)
            {
                interleaved = true;
                Assert.True(cell!.TryAdvance(new Revision(6)));
            }

            return newer;
        });

        var stored = cell.TryAdvance(new Revision(5));

        Assert.True(interleaved);
        Assert.False(stored);
        Assert.Equal(6, cell.Value.Number);
    }
}
