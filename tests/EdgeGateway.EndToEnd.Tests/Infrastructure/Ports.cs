using System.Net;
using System.Net.Sockets;

namespace EdgeGateway.EndToEnd.Tests.Infrastructure;

public static class Ports
{
    // Below Linux's ephemeral range (32768-60999): a port handed out here is bound by a gateway or backend process a
    // moment later, and in the ephemeral range an outgoing connection of any process may take it in between.
    private static int next = 10000 + (Environment.ProcessId % 100) * 200;

    /// <summary>A loopback port free right now; handed out once per test run so parallel tests never collide.</summary>
    public static int Free()
    {
        while (true)
        {
            var port = Interlocked.Increment(ref next);
            try
            {
                using var listener = new TcpListener(IPAddress.Loopback, port);
                listener.Start();
                return port;
            }
            catch (SocketException)
            {
                // taken: try the next one
            }
        }
    }
}
