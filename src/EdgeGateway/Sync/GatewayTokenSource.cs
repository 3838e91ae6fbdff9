using System.Security.Cryptography;
using System.Text;
using EdgeGateway.Configuration;
using EdgeGateway.Contracts.Sync;
using EdgeGateway.Hosting;

namespace EdgeGateway.Sync;

/// <summary>
/// The gateway token in use: <c>ManagementPlane:Token</c>, or <c>ManagementPlane:TokenFile</c> re-read whenever the file
/// changes, so a rotated Kubernetes or Container Apps secret reaches a running gateway. A new token is taken only when it
/// parses and names this gateway; otherwise the one in use stays and the problem is logged once.
/// </summary>
internal sealed partial class GatewayTokenSource : IDisposable
{
    /// <summary>A re-read even without a file event: events can be missed (network file systems, some mounts).</summary>
    private static readonly TimeSpan Recheck = TimeSpan.FromSeconds(30);

    private readonly string? file;
    private readonly string gatewayId;
    private readonly TimeProvider time;
    private readonly ILogger logger;
    private readonly Lock gate = new();
    private volatile TokenInUse current;
    private string? lastProblem;
    private FolderWatch? watch;

    public GatewayTokenSource(GatewaySettings settings, TimeProvider time, ILoggerFactory loggerFactory)
    {
        var mp = settings.ManagementPlane;
        file = mp.TokenFile is { Length: > 0 } path ? Path.GetFullPath(path) : null;
        gatewayId = settings.Gateway.Id!;
        this.time = time;
        logger = loggerFactory.CreateLogger("EdgeGateway.Sync");
        // Read once at start, by GatewaySettings; read here only when the settings were made without it (tests).
        var text = settings.InitialToken ?? (file is null ? mp.Token : ReadFile(file, out _));
        // Validated at start (GatewaySettings): the setting or the file holds a token.
        // At start any well-formed token is used (the plane refuses another gateway's, loudly); a renewal must name this gateway.
        current = Parse(text, file is null ? "ManagementPlane:Token" : $"ManagementPlane:TokenFile {file}", time.GetUtcNow(), renewal: false, out _)
            ?? throw new InvalidOperationException("the gateway token was validated at start");
    }

    /// <summary>A new token was taken (from the file).</summary>
    public event Action? Changed;

    /// <summary>The <c>Authorization</c> header value.</summary>
    public string Value => current.Value;

    public TokenStatusBody Status => current.Status;

    public DateTimeOffset Expiry => current.Expiry;

    /// <summary>Where a new token goes: named in the messages that ask for one.</summary>
    public string Setting => file is null ? "ManagementPlane:Token" : "ManagementPlane:TokenFile";

    /// <summary>Starts watching the token file (nothing to watch for a token given as a setting).</summary>
    public void StartWatching()
    {
        if (file is not null)
        {
            watch = new FolderWatch(file, Recheck, time, Reload);
            Reload(); // a rotation between the start and now raised no event
        }
    }

    /// <summary>Re-reads the file; takes its token when it changed, is a token and names this gateway.</summary>
    public void Reload()
    {
        lock (gate)
        {
            var text = ReadFile(file!, out var readError);
            if (text is null)
            {
                Report(readError!);
                return;
            }

            if (text.Trim() == current.Raw)
            {
                lastProblem = null;
                return;
            }

            var next = Parse(text, $"ManagementPlane:TokenFile {file}", time.GetUtcNow(), renewal: true, out var problem);
            if (next is null)
            {
                Report(problem!);
                return;
            }

            lastProblem = null;
            current = next;
            LogTokenChanged(logger, file!, next.Status.GatewayId, Logging.LogDates.Iso(next.Expiry), next.Status.Fingerprint);
        }

        Changed?.Invoke();
    }

    public void Dispose() => watch?.Dispose();

    private void Report(string problem)
    {
        if (problem != lastProblem)
        {
            LogTokenFileProblem(logger, file!, problem);
        }

        lastProblem = problem;
    }

    /// <summary>The file's text, or null (with the reason) while it cannot be read, e.g. in the middle of a swap.</summary>
    public static string? ReadFile(string path, out string? error)
    {
        try
        {
            error = null;
            return File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            error = $"cannot be read: {ex.Message}";
            return null;
        }
    }

    private TokenInUse? Parse(string? text, string source, DateTimeOffset now, bool renewal, out string? problem)
    {
        if (!GatewayToken.TryParse(text, out var token))
        {
            var mistake = GatewayToken.CopyMistake(text) is { } hint ? $" ({hint})" : "";
            problem = $"does not hold a gateway token ('GatewayKey <gatewayId>&<expiry>&<signature>'){mistake}; keeping the token in use";
            return null;
        }

        if (renewal && token!.GatewayId != gatewayId)
        {
            problem = $"holds a token for gateway '{token.GatewayId}', not '{gatewayId}'; keeping the token in use";
            return null;
        }

        problem = null;
        // Secrets from files often end in a newline: send the parsed token, never the raw text.
        return new TokenInUse(text!.Trim(), token!, source, now);
    }

    private sealed class TokenInUse(string raw, GatewayToken token, string source, DateTimeOffset loadedAt)
    {
        private TokenStatusBody? status;

        public string Raw { get; } = raw;

        public string Value { get; } = token.Value;

        /// <summary>Computed on first use: the first SHA-256 loads OpenSSL (~2 ms), which a start should not wait for.</summary>
        public TokenStatusBody Status => status ??= new TokenStatusBody(token.GatewayId, token.Expiry,
            Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Value)).AsSpan(0, 4)), source, loadedAt);

        public DateTimeOffset Expiry => token.Expiry;
    }

    // Expiry: an ISO 8601 string (Logging.LogDates), not a DateTimeOffset the culture would format.
    [LoggerMessage(70, LogLevel.Information, "Gateway token renewed from {File}: gateway {GatewayId}, expires {Expiry}, fingerprint {Fingerprint}")]
    private static partial void LogTokenChanged(ILogger logger, string file, string gatewayId, string expiry, string fingerprint);

    [LoggerMessage(71, LogLevel.Error, "ManagementPlane:TokenFile {File} {Problem}")]
    private static partial void LogTokenFileProblem(ILogger logger, string file, string problem);
}

/// <summary>Which token is in use, never the token itself: its gateway id, expiry, a short fingerprint (SHA-256) and where it came from.</summary>
internal sealed record TokenStatusBody(string GatewayId, DateTimeOffset Expiry, string Fingerprint, string Source, DateTimeOffset LoadedAt);
