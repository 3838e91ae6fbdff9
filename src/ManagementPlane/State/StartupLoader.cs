using ManagementPlane.Hosting;
using Microsoft.Extensions.Options;

namespace ManagementPlane.State;

/// <summary>
/// Checks the settings and loads the keys and the head record before the server listens: a misconfiguration or a store
/// that cannot be reached stops the start with its message. Program runs it before the host starts (so the message is
/// one line, not a host error with a stack trace); as a hosted service it covers hosts built elsewhere (tests).
/// </summary>
internal sealed class StartupLoader(IOptions<ManagementOptions> options, KeyRing keys, StateStore state) : IHostedService
{
    private Task? loading;

    /// <summary>The settings, keys and head record loaded without error: what <c>/healthz/ready</c> answers.</summary>
    public bool IsLoaded => loading is { IsCompletedSuccessfully: true };

    public Task LoadAsync(CancellationToken cancellationToken) => loading ??= LoadOnceAsync(cancellationToken);

    public Task StartAsync(CancellationToken cancellationToken) => LoadAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private async Task LoadOnceAsync(CancellationToken cancellationToken)
    {
        _ = options.Value; // validates, naming the setting
        await keys.LoadAsync(cancellationToken);
        await state.ReadAsync(cancellationToken);
    }
}
