namespace EdgeGateway.EndToEnd.Tests.Infrastructure.Telemetry;

/// <summary>
/// A collector that is down: a loopback URL on a port nobody listens on (connections are refused at once). For a
/// collector that accepts and never answers, start a receiver and set its <c>Hang</c>.
/// </summary>
public static class DownEndpoint
{
    /// <summary>
    /// A fresh <c>http://127.0.0.1:PORT</c>. <see cref="Ports.Free"/> hands each port out once per run and below the
    /// ephemeral range, so no other test or outgoing connection takes it meanwhile.
    /// </summary>
    public static string Create() => $"http://127.0.0.1:{Ports.Free()}";
}
