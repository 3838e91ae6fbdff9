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
    string path, SnapshotApplier applier, ConfigState state, TimeProvider time, ILoggerFactory loggerFactory, InitialConfig initial) : IDisposable
{
    private readonly ILogger logger = loggerFactory.CreateLogger("EdgeGateway.FileConfigSource");

    private readonly SemaphoreSlim reloadLock = new(1, 1);
    private FolderWatch? watch;
    private byte[]? lastContent = initial.FileContent;
    private byte[]? appliedContent = initial.Runtime is { FromBackup: false } ? initial.FileContent : null;

    public string Path { get; } = System.IO.Path.GetFullPath(path);

    private string Source => $"file:{Path}";

    private bool missingReported;

    /// <summary>Reads, verifies and compiles the file before anything runs (start-up); later changes go through <see cref="SnapshotApplier"/>.</summary>
    public static FileLoad LoadFile(string path, ECDsa? trustKey, string? gatewayId, TimeProvider time, Policies.PolicyServices? policyServices = null)
    {
        var fullPath = System.IO.Path.GetFullPath(path);
        if (Read(fullPath, out var readProblem) is not { } bytes)
        {
            return new FileLoad(null, null, [readProblem!], false);
        }

        var load = SnapshotLoader.Load(bytes, trustKey, new ValidationOptions { ExpectedGatewayId = gatewayId });
        if (!load.Succeeded)
        {
            return new FileLoad(null, bytes, [.. load.Problems], load.WasSigned);
        }

        var runtime = GatewayRuntime.TryCreate(() => new GatewayRuntime(load.Snapshot!, $"file:{fullPath}", time.GetUtcNow(), bytes, policyServices: policyServices), out var problem);
        return runtime is not null ? new FileLoad(runtime, bytes, [], load.WasSigned) : new FileLoad(null, bytes, [problem!], load.WasSigned);
    }

    private static byte[]? Read(string fullPath, out string? problem)
    {
        try
        {
            problem = null;
            return File.ReadAllBytes(fullPath);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            problem = $"Gateway:ConfigFile '{fullPath}': {(ex is FileNotFoundException or DirectoryNotFoundException ? "file not found" : ex.Message)}";
            return null;
        }
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
            var content = Read(Path, out var readProblem);
            if (content is not null && lastContent is not null && content.AsSpan().SequenceEqual(lastContent))
            {
                // Touched, not changed. If these bytes are what is being served, an earlier refusal is over.
                if (state.LastFailure is not null && state.Current is not null && appliedContent == lastContent)
                {
                    state.ClearFailure();
                }

                missingReported = false;
                return;
            }

            if (content is null)
            {
                if (!File.Exists(Path))
                {
                    // Deleted, or mid-replace (delete then create): the next event brings the new file. Say it once.
                    if (!missingReported)
                    {
                        LogFileMissing(logger, Path);
                        applier.Refuse(Source, [readProblem!]);
                        missingReported = true;
                    }

                    return;
                }

                missingReported = false;
                lastContent = null;
                applier.Refuse(Source, [readProblem!]);
                LogReloadRefused(logger, Path, readProblem!);
                return;
            }

            missingReported = false;
            lastContent = content;
            var result = applier.Apply(content, Source, Source);
            if (result.Status == ApplyStatus.Refused)
            {
                LogReloadRefused(logger, Path, result.Refusal!);
                return;
            }

            appliedContent = content;
            LogReloaded(logger, Path, result.Runtime!.Revision, result.Runtime.Apis.Length);
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
