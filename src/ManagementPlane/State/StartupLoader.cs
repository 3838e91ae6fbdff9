namespace ManagementPlane.State;

/// <summary>Loads keys and the head record before the server listens: a store that cannot be reached stops the start with its message.</summary>
internal sealed class StartupLoader(KeyRing keys, StateStore state) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await keys.LoadAsync(cancellationToken);
        await state.ReadAsync(cancellationToken);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
