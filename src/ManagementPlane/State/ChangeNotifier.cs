namespace ManagementPlane.State;

/// <summary>Wakes long polls when the head record's revision moves (own writes at once, other instances' on the next re-read).</summary>
internal sealed class ChangeNotifier
{
    private readonly Lock gate = new();
    private TaskCompletionSource next = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long revision;

    public long Revision => Volatile.Read(ref revision);

    /// <summary>Completes at the next change after this call; take it before checking state to miss nothing.</summary>
    public Task NextChange
    {
        get
        {
            lock (gate)
            {
                return next.Task;
            }
        }
    }

    public void Publish(long newRevision)
    {
        TaskCompletionSource completed;
        lock (gate)
        {
            if (newRevision <= revision)
            {
                return;
            }

            revision = newRevision;
            completed = next;
            next = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        completed.TrySetResult();
    }
}
