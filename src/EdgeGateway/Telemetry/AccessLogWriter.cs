using System.Buffers;

namespace EdgeGateway.Telemetry;

/// <summary>
/// The access log's one writer: takes lines off the channel, serialises them into one reused buffer and writes them to
/// stdout, flushing when the channel is empty. At stop it writes what is already queued (bounded by the host's shutdown
/// timeout), so the last requests' lines are not lost.
/// </summary>
internal sealed partial class AccessLogWriter(AccessLog log, AccessLogSink sink, ILogger<AccessLogWriter> logger) : BackgroundService
{
    private Stream Output => sink.Stream;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var buffer = new ArrayBufferWriter<byte>(16 * 1024);
        var reader = log.Reader;
        try
        {
            while (await reader.WaitToReadAsync(CancellationToken.None))
            {
                while (buffer.WrittenCount < 64 * 1024 && reader.TryRead(out var entry))
                {
                    AccessLog.Write(entry, buffer);
                }

                await Output.WriteAsync(buffer.WrittenMemory, CancellationToken.None);
                await Output.FlushAsync(CancellationToken.None);
                buffer.ResetWrittenCount();
            }
        }
        catch (IOException ex)
        {
            // stdout closed (the collector went away): the log stops; requests are not affected.
            LogOutputFailed(logger, ex.Message);
        }
    }

    public override Task StopAsync(CancellationToken cancellationToken)
    {
        log.Complete();
        return base.StopAsync(cancellationToken);
    }

    [LoggerMessage(400, LogLevel.Warning, "The access log could not write to stdout and stopped: {Reason}")]
    private static partial void LogOutputFailed(ILogger logger, string reason);
}

/// <summary>Where access log lines go: stdout (a test registers its own).</summary>
internal sealed class AccessLogSink(Stream stream)
{
    public Stream Stream { get; } = stream;
}
