using System.Net;
using System.Net.Sockets;

namespace EdgeGateway.EndToEnd.Tests.Infrastructure;

public static class Ports
{
    private static int next = 20000 + (Environment.ProcessId % 200) * 100;

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
