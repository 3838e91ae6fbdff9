using System.Diagnostics.Metrics;
using ManagementPlane.Diagnostics;

namespace ManagementPlane.Tests.Infrastructure;

/// <summary>
/// Counts <c>managementplane.snapshots.compiled</c> for one gateway id, across every plane in this process. The meter is
/// process-wide, so a test gives its gateway an id of its own and counts only that.
/// </summary>
internal sealed class SnapshotCompileCounter : IDisposable
{
    private readonly MeterListener listener = new();
    private int total;
    private int repairs;

    public SnapshotCompileCounter(string gatewayId)
    {
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == ManagementTelemetry.Name && instrument.Name == "managementplane.snapshots.compiled")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            string? gateway = null, reason = null;
            foreach (var tag in tags)
            {
                gateway = tag.Key == "gateway" ? tag.Value as string : gateway;
                reason = tag.Key == "reason" ? tag.Value as string : reason;
            }

            if (string.Equals(gateway, gatewayId, StringComparison.OrdinalIgnoreCase))
            {
                Interlocked.Add(ref total, (int)value);
                if (reason == "repair")
                {
                    Interlocked.Add(ref repairs, (int)value);
                }
            }
        });
        listener.Start();
    }

    /// <summary>Snapshots of the gateway compiled and signed, for a write or a repair.</summary>
    public int Total => Volatile.Read(ref total);

    public int Repairs => Volatile.Read(ref repairs);

    public void Dispose() => listener.Dispose();
}
