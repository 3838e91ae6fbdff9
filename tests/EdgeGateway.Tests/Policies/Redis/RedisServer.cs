using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace EdgeGateway.Tests.Policies.Redis;

/// <summary>
/// A real redis-server (Debian's package) on a free loopback port, without persistence: started for a test, killed at its
/// end, and killable and restartable on the same port for outage tests.
/// </summary>
internal sealed class RedisServer : IDisposable
{
    private Process? process;

    private RedisServer(int port) => Port = port;

    public int Port { get; }

    public string ConnectionString => $"127.0.0.1:{Port}";

    public static async Task<RedisServer> StartAsync()
    {
        var server = new RedisServer(FreePort());
        await server.RestartAsync();
        return server;
    }

    /// <summary>Starts (again) on the same port and waits until it answers PING.</summary>
    public async Task RestartAsync()
    {
        var psi = new ProcessStartInfo(Executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { "--port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1",
            "--save", "", "--appendonly", "no", "--daemonize", "no" })
        {
            psi.ArgumentList.Add(arg);
        }

        process = Process.Start(psi)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!await PingAsync())
        {
            if (process.HasExited || DateTime.UtcNow > deadline)
            {
                throw new InvalidOperationException($"redis-server on port {Port} did not answer PING (exited: {process.HasExited})");
            }

            await Task.Delay(20);
        }
    }

    /// <summary>Kills it (SIGKILL: an outage, not a shutdown) and waits until it is gone.</summary>
    public void Kill()
    {
        if (process is { HasExited: false } p)
        {
            p.Kill();
            p.WaitForExit();
        }
    }

    /// <summary>SIGSTOP: the connection stays open but nothing answers (a hung server), until <see cref="Resume"/>.</summary>
    public void Pause() => Signal(19);

    /// <summary>SIGCONT after <see cref="Pause"/>.</summary>
    public void Resume() => Signal(18);

    public void Dispose()
    {
        Resume();
        Kill();
        process?.Dispose();
    }

    private void Signal(int signal)
    {
        if (process is { HasExited: false } p && kill(p.Id, signal) != 0)
        {
            throw new InvalidOperationException($"kill({signal}) failed: {System.Runtime.InteropServices.Marshal.GetLastPInvokeError()}");
        }
    }

    [System.Runtime.InteropServices.DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int sig);

    private static string Executable =>
        Environment.GetEnvironmentVariable("REDIS_SERVER") ?? (File.Exists("/usr/bin/redis-server") ? "/usr/bin/redis-server" : "redis-server");

    private async Task<bool> PingAsync()
    {
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync(IPAddress.Loopback, Port);
            var stream = client.GetStream();
            await stream.WriteAsync("PING\r\n"u8.ToArray());
            var buffer = new byte[16];
            var read = await stream.ReadAsync(buffer).AsTask().WaitAsync(TimeSpan.FromSeconds(5));
            return Encoding.ASCII.GetString(buffer, 0, read).StartsWith("+PONG", StringComparison.Ordinal);
        }
        catch (Exception ex) when (ex is SocketException or IOException or TimeoutException)
        {
            return false;
        }
    }

    // Below Linux's ephemeral range (32768-60999), so no outgoing connection takes the port while Redis is down for an
    // outage test; apart from the end-to-end tests' range (10000-29999).
    private static int nextPort = 30000 + (Environment.ProcessId % 50) * 50;

    private static int FreePort()
    {
        while (true)
        {
            var port = Interlocked.Increment(ref nextPort);
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
