using System.Globalization;

namespace EdgeGateway.EndToEnd.Tests.Infrastructure;

/// <summary>
/// One container, run the way docs/container.md tells operators to: read-only root filesystem with only /tmp writable
/// (podman's extra tmpfs mounts on /run and /var/tmp turned off, so nothing else is), the host's network (no bridge
/// networking on this machine), and the sandbox's ulimits. Removed (killed) on dispose.
/// </summary>
public sealed class TestContainer : IAsyncDisposable
{
    private TestContainer(string name) => Name = name;

    public string Name { get; }

    public static async Task<TestContainer> RunAsync(string name, string image, IDictionary<string, string> env, IEnumerable<string> options)
    {
        List<string> args = ["run", "--detach", "--name", name, "--network", "host",
            "--read-only", "--read-only-tmpfs=false", "--tmpfs", "/tmp", .. Podman.Ulimits,
            // Swept by label at the next fixture start, and killed by podman itself after 15 minutes, if the test host dies.
            "--label", ContainerImages.Label, "--timeout", "900", .. options];
        foreach (var (key, value) in env)
        {
            args.Add("--env");
            args.Add($"{key}={value}");
        }

        args.Add(image);
        var container = new TestContainer(name);
        var run = await Podman.RunAsync(args);
        if (run.ExitCode != 0)
        {
            await container.DisposeAsync();
            throw new InvalidOperationException($"podman run {name} exited with {run.ExitCode}:\n{run.Output}");
        }

        return container;
    }

    /// <summary>What the process printed (stdout and stderr).</summary>
    public async Task<string> LogsAsync() => (await Podman.RunAsync(["logs", Name])).Output;

    /// <summary><c>podman healthcheck run</c>: the image's HEALTHCHECK, run inside the container; exit code 0 is healthy.</summary>
    public Task<Podman.Result> HealthCheckAsync() => Podman.RunAsync(["healthcheck", "run", Name]);

    /// <summary><c>podman stop -t GRACE</c>: SIGTERM, then SIGKILL if the process is still there after the grace period.</summary>
    public Task StopAsync(int graceSeconds) =>
        Podman.CheckAsync("stop", "-t", graceSeconds.ToString(CultureInfo.InvariantCulture), Name);

    public async Task<int> ExitCodeAsync() =>
        int.Parse((await Podman.CheckAsync("inspect", "--format", "{{.State.ExitCode}}", Name)).Trim(), CultureInfo.InvariantCulture);

    private async Task<bool> IsRunningAsync() =>
        (await Podman.CheckAsync("inspect", "--format", "{{.State.Running}}", Name)).Trim() == "true";

    /// <summary>Waits for a 200 from <paramref name="path"/> on the host network; fails with the container's logs if it exits or never answers.</summary>
    public async Task WaitHttpOkAsync(int port, string path, int timeoutSeconds = 60)
    {
        using var probe = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow.AddSeconds(timeoutSeconds);
        for (var attempt = 0; DateTime.UtcNow < deadline; attempt++)
        {
            try
            {
                using var response = await probe.GetAsync($"http://127.0.0.1:{port}{path}");
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                // not listening yet
            }

            if (attempt % 10 == 9 && !await IsRunningAsync())
            {
                throw new InvalidOperationException($"container {Name} exited with {await ExitCodeAsync()}:\n{await LogsAsync()}");
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"container {Name}: no 200 from {path} within {timeoutSeconds} s:\n{await LogsAsync()}");
    }

    /// <summary>Waits until the container's log holds <paramref name="text"/>.</summary>
    public async Task WaitLoggedAsync(string text, int timeoutSeconds = 30)
    {
        var deadline = DateTime.UtcNow.AddSeconds(timeoutSeconds);
        string logs;
        do
        {
            logs = await LogsAsync();
            if (logs.Contains(text, StringComparison.Ordinal))
            {
                return;
            }

            await Task.Delay(200);
        }
        while (DateTime.UtcNow < deadline);

        throw new TimeoutException($"container {Name} did not log '{text}' within {timeoutSeconds} s:\n{logs}");
    }

    /// <summary>Kills and removes the container, as a platform removes an instance.</summary>
    public async ValueTask DisposeAsync() => await Podman.TryAsync("rm", "--force", "--time", "0", Name);
}
