using System.Buffers.Binary;
using System.Diagnostics;
using OpenTelemetry.Trace;

namespace EdgeGateway.Telemetry.Export;

/// <summary>
/// Keeps about <c>tracesPerSecond</c> new traces per second, whatever the load. Each one-second window measures how many
/// roots arrived; the next window keeps each with probability target / rate (smoothed over windows), decided from the trace
/// id (the same trace gets the same answer at the same rate), and never more than twice the target in one
/// window (a burst right after an idle spell). A kept span carries <c>microsoft.sample_rate</c> (the percentage kept),
/// which Application Insights uses to scale its counts. The decision is a few reads and two interlocked increments:
/// nothing allocates for a dropped request.
/// </summary>
internal sealed class RateLimitedSampler : Sampler
{
    public const string SampleRateAttribute = "microsoft.sample_rate";

    private readonly double target;
    private readonly long cap;
    private readonly TimeProvider time;
    private readonly long window;
    private long windowStart;
    private long seen;
    private long kept;
    private double smoothedRate = -1;
    private double probability = 1;

    public RateLimitedSampler(double tracesPerSecond, TimeProvider time)
    {
        target = tracesPerSecond;
        cap = Math.Max(1, (long)Math.Ceiling(2 * tracesPerSecond));
        this.time = time;
        window = time.TimestampFrequency;
        windowStart = time.GetTimestamp();
        Description = $"RateLimitedSampler{{{tracesPerSecond}/s}}";
    }

    /// <summary>The probability the current window keeps a new trace with.</summary>
    public double Probability => Volatile.Read(ref probability);

    public override SamplingResult ShouldSample(in SamplingParameters samplingParameters)
    {
        if (target <= 0)
        {
            return new SamplingResult(SamplingDecision.Drop);
        }

        var now = time.GetTimestamp();
        var start = Volatile.Read(ref windowStart);
        if (now - start >= window)
        {
            Roll(start, now);
        }

        Interlocked.Increment(ref seen);
        var p = Volatile.Read(ref probability);
        if (!SampleRateRatioSampler.Keeps(samplingParameters.TraceId, p) || Interlocked.Increment(ref kept) > cap)
        {
            return new SamplingResult(SamplingDecision.Drop);
        }

        return SampleRateRatioSampler.Kept(p);
    }

    private void Roll(long start, long now)
    {
        if (Interlocked.CompareExchange(ref windowStart, now, start) != start)
        {
            return; // another thread rolled this window
        }

        var arrived = Interlocked.Exchange(ref seen, 0);
        Interlocked.Exchange(ref kept, 0);
        var rate = arrived / ((double)(now - start) / window);
        var smoothed = smoothedRate < 0 ? rate : (smoothedRate + rate) / 2;
        smoothedRate = smoothed;
        Volatile.Write(ref probability, smoothed <= target ? 1 : target / smoothed);
    }
}

/// <summary>
/// A trace-id ratio decision, with <c>microsoft.sample_rate</c> on what it keeps (Azure Monitor's
/// <c>microsoft.fixed_percentage</c>).
/// </summary>
internal sealed class SampleRateRatioSampler(double ratio) : Sampler
{
    private readonly SamplingResult keep = Kept(ratio);

    public override SamplingResult ShouldSample(in SamplingParameters samplingParameters) =>
        Keeps(samplingParameters.TraceId, ratio) ? keep : new SamplingResult(SamplingDecision.Drop);

    /// <summary>The classic TraceIdRatioBased test: the trace id's first eight bytes, as an absolute value, below ratio × 2^63.</summary>
    public static bool Keeps(ActivityTraceId traceId, double ratio)
    {
        if (ratio >= 1)
        {
            return true;
        }

        Span<byte> bytes = stackalloc byte[16];
        traceId.CopyTo(bytes);
        var value = BinaryPrimitives.ReadInt64BigEndian(bytes);
        return (value == long.MinValue ? long.MaxValue : Math.Abs(value)) < (long)(ratio * long.MaxValue);
    }

    public static SamplingResult Kept(double probability) =>
        new(SamplingDecision.RecordAndSample, [new KeyValuePair<string, object>(RateLimitedSampler.SampleRateAttribute, Math.Round(probability * 100, 4))]);
}
