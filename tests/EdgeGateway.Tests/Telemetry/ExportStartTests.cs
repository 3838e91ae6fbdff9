using EdgeGateway.Telemetry.Export;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace EdgeGateway.Tests.Telemetry;

/// <summary>
/// The gateway builds its exporters after the server listens and after the first request was answered, so their set-up
/// never competes with the request that woke an instance; with no request, a second after the listen. Time is a
/// FakeTimeProvider: nothing but the request (or moving the clock) can start the build.
/// </summary>
public sealed class ExportStartTests
{
    [Fact]
    public async Task Listening_WaitsForTheFirstAnsweredRequest_ThenBuilds()
    {
        using var lifetime = new Lifetime();
        var export = NewExport();
        var first = new TaskCompletionSource();
        var built = new TaskCompletionSource();
        export.Start(lifetime, built.SetResult, _ => { }, first.Task, new FakeTimeProvider());

        lifetime.Listening();
        Assert.False(built.Task.IsCompleted);
        Assert.Null(export.Meters);

        first.SetResult();
        await built.Task.WaitAsync(TimeSpan.FromSeconds(60));
        Assert.NotNull(export.Meters);
        export.Shutdown();
    }

    [Fact]
    public async Task NoRequest_BuiltOnceTheGraceHasPassed()
    {
        using var lifetime = new Lifetime();
        var export = NewExport();
        var time = new FakeTimeProvider();
        var built = new TaskCompletionSource();
        export.Start(lifetime, built.SetResult, _ => { }, new TaskCompletionSource().Task, time);

        lifetime.Listening();
        time.Advance(TelemetryExport.FirstRequestGrace - TimeSpan.FromMilliseconds(1));
        Assert.False(built.Task.IsCompleted);

        time.Advance(TimeSpan.FromMilliseconds(1));
        await built.Task.WaitAsync(TimeSpan.FromSeconds(60));
        Assert.NotNull(export.Meters);
        export.Shutdown();
    }

    [Fact]
    public void StoppedBeforeTheBuild_NothingIsBuilt()
    {
        using var lifetime = new Lifetime();
        var export = NewExport();
        var first = new TaskCompletionSource();
        var built = false;
        export.Start(lifetime, () => built = true, _ => { }, first.Task, new FakeTimeProvider());
        lifetime.Listening();

        Assert.True(export.Shutdown());
        first.SetResult();
        Assert.Null(export.Meters);
        Assert.False(built);
    }

    private static TelemetryExport NewExport()
    {
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Telemetry:Prometheus:Enabled"] = "true", // an exporter that sends nothing anywhere
        }).Build();
        var settings = TelemetryExportSettings.Read(config) with { ShutdownTimeout = TimeSpan.FromSeconds(2) };
        return TelemetryExport.Create(settings, new TelemetryIdentity("test", "1.0.0", "i", null), config, new NoLogging(), ["ExportStartTests"], ["ExportStartTests"])!;
    }

    private sealed class NoLogging : ILoggingBuilder
    {
        public Microsoft.Extensions.DependencyInjection.IServiceCollection Services { get; } = new Microsoft.Extensions.DependencyInjection.ServiceCollection();
    }

    private sealed class Lifetime : IHostApplicationLifetime, IDisposable
    {
        private readonly CancellationTokenSource started = new();

        public CancellationToken ApplicationStarted => started.Token;

        public CancellationToken ApplicationStopping => CancellationToken.None;

        public CancellationToken ApplicationStopped => CancellationToken.None;

        public void Listening() => started.Cancel();

        public void StopApplication()
        {
        }

        public void Dispose() => started.Dispose();
    }
}
