using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Backup.Providers.Tests.Emulators;

/// <summary>One emulator (Azurite or s3rver) running as a child process on a free loopback port, with its own temp folder.</summary>
public sealed class EmulatorProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private EmulatorProcess(Process process, int port, string dataFolder)
    {
        _process = process;
        Port = port;
        DataFolder = dataFolder;
    }

    public int Port { get; }

    public string DataFolder { get; }

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>Starts <c>node [nodeOptions] node_modules/.bin/{bin} args...</c> and waits until the port accepts connections.</summary>
    /// <remarks>Give <paramref name="port"/> and <paramref name="dataFolder"/> to bring a stopped emulator back with its data.</remarks>
    public static async Task<EmulatorProcess> StartAsync(string emulatorsFolder, string bin, IEnumerable<string> nodeOptions,
        Func<int, string, IEnumerable<string>> arguments, int? port = null, string? dataFolder = null)
    {
        port ??= FreePort();
        dataFolder ??= Directory.CreateTempSubdirectory($"{bin}-").FullName;
        var start = new ProcessStartInfo("node")
        {
            WorkingDirectory = emulatorsFolder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var option in nodeOptions)
        {
            start.ArgumentList.Add(option);
        }

        start.ArgumentList.Add(Path.Combine(emulatorsFolder, "node_modules", ".bin", bin));
        foreach (var argument in arguments(port.Value, dataFolder))
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {bin}.");
        var emulator = new EmulatorProcess(process, port.Value, dataFolder);
        process.OutputDataReceived += (_, e) => emulator.Append(e.Data);
        process.ErrorDataReceived += (_, e) => emulator.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"{bin} exited with code {process.ExitCode} before listening on {port}:\n{emulator.Output}");
            }

            if (await CanConnectAsync(port.Value))
            {
                return emulator;
            }

            if (DateTime.UtcNow > deadline)
            {
                await emulator.DisposeAsync();
                throw new TimeoutException($"{bin} did not listen on {port} within 60 s:\n{emulator.Output}");
            }

            await Task.Delay(100);
        }
    }

    /// <summary>Stops the emulator (used to simulate an outage in the middle of a run).</summary>
    public void Stop()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(10_000);
        }
    }

    public ValueTask DisposeAsync()
    {
        Stop();
        _process.Dispose();
        try
        {
            Directory.Delete(DataFolder, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: the temp folder is the OS's to clean otherwise.
        }

        return ValueTask.CompletedTask;
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            if (_output.Length < 64_000)
            {
                _output.AppendLine(line);
            }
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async Task<bool> CanConnectAsync(int port)
    {
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync(IPAddress.Loopback, port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
