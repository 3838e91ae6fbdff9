using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace EdgeGateway.Tests.Policies.Redis;

/// <summary>
/// A real redis-server (Debian's package) on a free loopback port, without persistence: started for a test, killed at its
/// end, and killable and restartable on the same port for outage tests. A port is ours only once the redis-server that
/// answers on it reports our process's id: another program's Redis (or one that took the port between our check and our
/// bind) is never mistaken for ours; we then try another port.
/// </summary>
internal sealed class RedisServer : IDisposable
{
    private Process? process;

    private RedisServer(int port) => Port = port;

    public int Port { get; private set; }

    public string ConnectionString => $"127.0.0.1:{Port}";

    public static async Task<RedisServer> StartAsync()
    {
        var server = new RedisServer(FreePort());
        for (var attempt = 1; ; attempt++)
        {
            if (await server.TryStartAsync())
            {
                return server;
            }

            server.Kill();
            if (attempt == 10)
            {
                throw new InvalidOperationException($"redis-server did not start as ours on 10 ports (last {server.Port})");
            }

            server.Port = FreePort();
        }
    }

    /// <summary>Starts again on the same port (after <see cref="Kill"/>) and waits until it answers as ours.</summary>
    public async Task RestartAsync()
    {
        if (!await TryStartAsync())
        {
            throw new InvalidOperationException($"redis-server on port {Port} did not start again as ours (the port was taken meanwhile?)");
        }
    }

    /// <summary>Starts redis-server and waits until it answers PING; true when the server answering is the process started here.</summary>
    private async Task<bool> TryStartAsync()
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

        process?.Dispose();
        process = Process.Start(psi)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!await PingAsync())
        {
            if (process.HasExited)
            {
                return false; // most likely the port was taken
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new InvalidOperationException($"redis-server on port {Port} did not answer PING within 30 s");
            }

            await Task.Delay(20);
        }

        // PONG may come from someone else's Redis on this port: ours is alive and reports our process id.
        return !process.HasExited && await ServerProcessIdAsync() == process.Id;
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

    /// <summary>The <c>process_id</c> of <c>INFO server</c> from whatever answers on the port, or null.</summary>
    private async Task<int?> ServerProcessIdAsync()
    {
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync(IPAddress.Loopback, Port);
            var stream = client.GetStream();
            await stream.WriteAsync("INFO server\r\n"u8.ToArray());
            var text = new StringBuilder();
            var buffer = new byte[4096];
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            while (!text.ToString().Contains("\r\nprocess_id:", StringComparison.Ordinal) || !LineEnded(text.ToString()))
            {
                var read = await stream.ReadAsync(buffer, timeout.Token);
                if (read == 0)
                {
                    return null;
                }

                text.Append(Encoding.ASCII.GetString(buffer, 0, read));
            }

            var all = text.ToString();
            var start = all.IndexOf("\r\nprocess_id:", StringComparison.Ordinal) + "\r\nprocess_id:".Length;
            var end = all.IndexOf('\r', start);
            return int.Parse(all.AsSpan(start, end - start), System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (Exception ex) when (ex is SocketException or IOException or OperationCanceledException or FormatException)
        {
            return null;
        }

        static bool LineEnded(string all)
        {
            var at = all.IndexOf("\r\nprocess_id:", StringComparison.Ordinal);
            return at >= 0 && all.IndexOf('\r', at + 2) >= 0;
        }
    }

    // Below Linux's ephemeral range (32768-60999), so no outgoing connection takes the port while Redis is down for an
    // outage test; apart from the end-to-end tests' range (10000-29999).
    // A random start: two test runs (or another program) rarely pick the same ports, and when they do the process id check
    // above moves us on.
    private static int nextPort = 30000 + Random.Shared.Next(2700);

    private static int FreePort()
    {
        while (true)
        {
            var port = 30000 + (Interlocked.Increment(ref nextPort) - 30000) % 2760;
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
