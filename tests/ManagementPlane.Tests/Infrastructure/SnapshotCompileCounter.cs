using System.Diagnostics.Metrics;
using ManagementPlane.Diagnostics;

namespace ManagementPlane.Tests.Infrastructure;

/// <summary>
/// Counts <c>managementplane.snapshots.compiled</c> and <c>managementplane.snapshots.signed</c> for one gateway id, across
/// every plane in this process. The meter is process-wide, so a test gives its gateway an id of its own and counts only that.
/// </summary>
internal sealed class SnapshotCompileCounter : IDisposable
{
    private const string CompiledName = "managementplane.snapshots.compiled";
    private const string SignedName = "managementplane.snapshots.signed";
    private readonly MeterListener listener = new();
    private int compiled;
    private int signed;
    private int repairs;

    public SnapshotCompileCounter(string gatewayId)
    {
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == ManagementTelemetry.Name && instrument.Name is CompiledName or SignedName)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            string? gateway = null, reason = null;
            foreach (var tag in tags)
            {
                gateway = tag.Key == "gateway" ? tag.Value as string : gateway;
                reason = tag.Key == "reason" ? tag.Value as string : reason;
            }

            if (!string.Equals(gateway, gatewayId, StringComparison.OrdinalIgnoreCase))
            {
                return;
            }

            if (instrument.Name == CompiledName)
            {
                Interlocked.Add(ref compiled, (int)value);
                return;
            }

            Interlocked.Add(ref signed, (int)value);
            if (reason == "repair")
            {
                Interlocked.Add(ref repairs, (int)value);
            }
        });
        listener.Start();
    }

    /// <summary>Times the gateway's snapshot was compiled from the state (once per write that changed the state, and per repair).</summary>
    public int Compiled => Volatile.Read(ref compiled);

    /// <summary>Snapshots of the gateway signed, for a write or a repair.</summary>
    public int Signed => Volatile.Read(ref signed);

    public int Repairs => Volatile.Read(ref repairs);

    public void Dispose() => listener.Dispose();
}
