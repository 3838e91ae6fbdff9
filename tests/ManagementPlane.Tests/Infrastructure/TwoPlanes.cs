namespace ManagementPlane.Tests.Infrastructure;

/// <summary>Two management-plane instances on one disk store, started before each test and stopped after it.</summary>
public abstract class TwoPlanes : IAsyncLifetime
{
    private protected TestPlane First { get; private set; } = null!;

    private protected TestPlane Second { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        First = await TestPlane.StartAsync();
        Second = await TestPlane.StartAsync(First.StorePath);
    }

    public async Task DisposeAsync()
    {
        await Second.DisposeAsync();
        await First.DisposeAsync();
    }
}
