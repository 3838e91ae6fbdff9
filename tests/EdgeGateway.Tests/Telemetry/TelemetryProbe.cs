using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace EdgeGateway.Tests.Telemetry;

/// <summary>
/// Listens, in process, to what an exporter would get: the gateway's meters (every EdgeGateway.* meter) and the server and
/// client spans (Microsoft.AspNetCore, System.Net.Http), recorded.
/// </summary>
internal sealed class TelemetryProbe : IDisposable
{
    private readonly MeterListener meters = new();
    private readonly ActivityListener spans;

    public TelemetryProbe()
    {
        meters.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name.StartsWith("EdgeGateway.", StringComparison.Ordinal))
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        meters.SetMeasurementEventCallback<long>((i, value, tags, _) => Measurements.Enqueue(new(i.Name, value, Tags(tags))));
        meters.SetMeasurementEventCallback<double>((i, value, tags, _) => Measurements.Enqueue(new(i.Name, value, Tags(tags))));
        meters.Start();
        spans = new ActivityListener
        {
            ShouldListenTo = s => s.Name is "Microsoft.AspNetCore" or "System.Net.Http",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = a => Spans.Enqueue(a),
        };
        ActivitySource.AddActivityListener(spans);
    }

    public ConcurrentQueue<Measurement> Measurements { get; } = new();

    public ConcurrentQueue<Activity> Spans { get; } = new();

    /// <summary>Observable instruments report only when collected.</summary>
    public void Collect() => meters.RecordObservableInstruments();

    /// <summary>Sum of an instrument's values whose tags include every given pair (and, with <paramref name="absent"/>, lack those tags).</summary>
    public double Sum(string instrument, IReadOnlyDictionary<string, string> tags, params string[] absent) =>
        Matching(instrument, tags, absent).Sum(m => m.Value);

    public int Count(string instrument, IReadOnlyDictionary<string, string> tags, params string[] absent) =>
        Matching(instrument, tags, absent).Count();

    public IEnumerable<Measurement> Matching(string instrument, IReadOnlyDictionary<string, string> tags, params string[] absent) =>
        Measurements.Where(m => m.Instrument == instrument
            && tags.All(t => m.Tags.TryGetValue(t.Key, out var v) && v == t.Value)
            && absent.All(a => !m.Tags.ContainsKey(a)));

    public void Dispose()
    {
        meters.Dispose();
        spans.Dispose();
    }

    private static Dictionary<string, string> Tags(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in tags)
        {
            result[key] = Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) ?? "";
        }

        return result;
    }

    internal sealed record Measurement(string Instrument, double Value, Dictionary<string, string> Tags);
}

/// <summary>A stream that keeps what the access log writer wrote, as lines.</summary>
internal sealed class LineCapture : Stream
{
    private readonly Lock gate = new();
    private readonly MemoryStream buffer = new();

    public string[] Lines
    {
        get
        {
            lock (gate)
            {
                return System.Text.Encoding.UTF8.GetString(buffer.ToArray()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
            }
        }
    }

    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override void Flush()
    {
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count)
    {
        lock (gate)
        {
            this.buffer.Write(buffer, offset, count);
        }
    }

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        lock (gate)
        {
            this.buffer.Write(buffer.Span);
        }

        return ValueTask.CompletedTask;
    }
}
