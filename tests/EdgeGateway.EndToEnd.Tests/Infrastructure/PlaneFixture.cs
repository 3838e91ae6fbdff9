namespace EdgeGateway.EndToEnd.Tests.Infrastructure;

/// <summary>Per test: a scratch folder, a real backend and a management plane on its own disk store.</summary>
public abstract class PlaneFixture : IAsyncLifetime
{
    protected ConfigFolder Folder { get; } = new();

    protected TestBackend Backend { get; private set; } = null!;

    protected ManagementPlaneProcess Plane { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Backend = await TestBackend.StartAsync();
        Plane = await ManagementPlaneProcess.StartAsync(Folder.Path);
    }

    public async Task DisposeAsync()
    {
        await Plane.DisposeAsync();
        await Backend.DisposeAsync();
        Folder.Dispose();
    }
}
