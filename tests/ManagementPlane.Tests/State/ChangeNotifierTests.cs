using ManagementPlane.State;

namespace ManagementPlane.Tests.State;

public sealed class ChangeNotifierTests
{
    [Fact]
    public void Publish_NewerRevision_CompletesTheWaitTakenBefore()
    {
        var notifier = new ChangeNotifier();
        var next = notifier.NextChange;
        notifier.Publish(3);
        Assert.True(next.IsCompleted);
        Assert.Equal(3, notifier.Revision);
        Assert.False(notifier.NextChange.IsCompleted);
    }

    [Fact]
    public void Publish_SameOrOlderRevision_WakesNobody()
    {
        var notifier = new ChangeNotifier();
        notifier.Publish(5);
        var next = notifier.NextChange;
        notifier.Publish(5);
        notifier.Publish(4);
        Assert.False(next.IsCompleted);
        Assert.Equal(5, notifier.Revision);
    }
}
