using System.Security.Cryptography;
using EdgeGateway.Contracts.Snapshot;
using EdgeGateway.Hosting;
using EdgeGateway.Contracts.Validation;
using EdgeGateway.Routing;

namespace EdgeGateway.Configuration;

/// <summary>
/// Standalone mode: the config comes from one file. Loads it at start, then watches its folder for that
/// file (editors and Kubernetes ConfigMaps replace files by rename) and reloads when the bytes change,
/// within a second of the last write however busy the rest of the folder is.
/// An invalid change is refused and logged; the last good config keeps serving.
/// </summary>
internal sealed partial class FileConfigSource(
    string path, ECDsa? trustKey, string? gatewayId, ConfigState state, TimeProvider time, ILoggerFactory loggerFactory, InitialConfig initial) : IDisposable
{
    private readonly ILogger logger = loggerFactory.CreateLogger("EdgeGateway.FileConfigSource");

    private readonly SemaphoreSlim reloadLock = new(1, 1);
    private FolderWatch? watch;
    private byte[]? lastContent = initial.FileContent;
    private byte[]? appliedContent = initial.Runtime is { FromBackup: false } ? initial.FileContent : null;

    public string Path { get; } = System.IO.Path.GetFullPath(path);

    private bool missingReported;

    public FileLoad Load() => LoadFile(Path, trustKey, gatewayId, time);

    /// <summary>Reads, verifies and compiles the file; the caller applies the result.</summary>
    public static FileLoad LoadFile(string path, ECDsa? trustKey, string? gatewayId, TimeProvider time)
    {
        var fullPath = System.IO.Path.GetFullPath(path);
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(fullPath);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            var reason = ex is FileNotFoundException or DirectoryNotFoundException ? "file not found" : ex.Message;
            return new FileLoad(null, null, [$"Gateway:ConfigFile '{fullPath}': {reason}"], false);
        }

        var load = SnapshotLoader.Load(bytes, trustKey, new ValidationOptions { ExpectedGatewayId = gatewayId });
        return load.Succeeded
            ? new FileLoad(new GatewayRuntime(load.Snapshot!, $"file:{fullPath}", time.GetUtcNow(), bytes), bytes, [], load.WasSigned)
            : new FileLoad(null, bytes, [.. load.Problems], load.WasSigned);
    }

    public void StartWatching()
    {
        watch = new FolderWatch(Path, recheckEvery: null, time, () => _ = ReloadAsync());
        LogWatching(logger, Path);

        // A change between the first read and now raised no event: look once (identical bytes are ignored).
        _ = ReloadAsync();
    }

    public async Task ReloadAsync()
    {
        await reloadLock.WaitAsync();
        try
        {
            var result = Load();
            if (result.Content is not null && lastContent is not null && result.Content.AsSpan().SequenceEqual(lastContent))
            {
                // Touched, not changed. If these bytes are what is being served, an earlier refusal is over.
                if (state.LastFailure is not null && state.Current is not null && appliedContent == lastContent)
                {
                    state.ClearFailure();
                }

                missingReported = false;
                return;
            }

            if (result.Runtime is null)
            {
                if (result.Content is null && !File.Exists(Path))
                {
                    // Deleted, or mid-replace (delete then create): the next event brings the new file. Say it once.
                    if (!missingReported)
                    {
                        LogFileMissing(logger, Path);
                        state.Refuse($"file:{Path}", result.Problems);
                        missingReported = true;
                    }

                    return;
                }

                missingReported = false;

                lastContent = result.Content;
                state.Refuse($"file:{Path}", result.Problems);
                LogReloadRefused(logger, Path, string.Join("; ", result.Problems));
                return;
            }

            missingReported = false;
            lastContent = result.Content;
            appliedContent = result.Content;
            state.Apply(result.Runtime);
            LogReloaded(logger, Path, result.Runtime.Revision, result.Runtime.Apis.Length);
        }
        finally
        {
            reloadLock.Release();
        }
    }

    public void Dispose()
    {
        watch?.Dispose();
        reloadLock.Dispose();
    }

    [LoggerMessage(1, LogLevel.Information, "Watching {Path} for config changes")]
    private static partial void LogWatching(ILogger logger, string path);

    [LoggerMessage(2, LogLevel.Information, "Config reloaded from {Path}: revision {Revision}, {ApiCount} APIs")]
    private static partial void LogReloaded(ILogger logger, string path, long revision, int apiCount);

    [LoggerMessage(3, LogLevel.Error, "Config change in {Path} refused, the previous config keeps serving: {Problems}")]
    private static partial void LogReloadRefused(ILogger logger, string path, string problems);

    [LoggerMessage(4, LogLevel.Warning, "Config file {Path} is missing; the previous config keeps serving")]
    private static partial void LogFileMissing(ILogger logger, string path);
}

internal sealed record FileLoad(GatewayRuntime? Runtime, byte[]? Content, IReadOnlyList<string> Problems, bool WasSigned);
