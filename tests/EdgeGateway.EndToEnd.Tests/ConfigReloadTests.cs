using System.Net;
using EdgeGateway.EndToEnd.Tests.Infrastructure;

namespace EdgeGateway.EndToEnd.Tests;

/// <summary>Hot reload of the standalone file while the rest of its folder is busy.</summary>
public sealed class ConfigReloadTests : IAsyncLifetime
{
    private readonly ConfigFolder folder = new();
    private TestBackend backend = null!;

    public async Task InitializeAsync() => backend = await TestBackend.StartAsync();

    public async Task DisposeAsync()
    {
        await backend.DisposeAsync();
        folder.Dispose();
    }

    private string Api(string id, string path, int revision) => $$"""
        { "schemaVersion": 1, "revision": {{revision}},
          "apis": [ { "id": "{{id}}", "path": "{{path}}", "subscriptionRequired": false, "backend": { "urls": ["{{backend.Url}}"] } } ] }
        """;

    [Fact]
    public async Task Reload_AnotherFileInTheFolderWrittenContinuously_ConfigChangeStillApplied()
    {
        folder.Write(Api("one", "/one", revision: 1));
        await using var gateway = await GatewayProcess.StartAsync(folder.ConfigFile);

        // A log beside the config, written far more often than the reload's quiet period, for as long as the test runs.
        using var stop = new CancellationTokenSource();
        var writer = Task.Run(async () =>
        {
            await using var log = new FileStream(folder.File_("access.log"), FileMode.Append, FileAccess.Write, FileShare.ReadWrite);
            while (!stop.IsCancellationRequested)
            {
                await log.WriteAsync("GET /one/x 200\n"u8.ToArray());
                await log.FlushAsync();
                await Task.Delay(20);
            }
        });

        try
        {
            while (!File.Exists(folder.File_("access.log")) || new FileInfo(folder.File_("access.log")).Length < 100)
            {
                await Task.Delay(20); // the writer is going before the config changes
            }

            folder.Write(Api("two", "/two", revision: 2));

            await gateway.EventuallyAsync(async () => (await gateway.Client.GetAsync("/two/x")).StatusCode == HttpStatusCode.OK, "/two served");
            Assert.Equal(HttpStatusCode.NotFound, (await gateway.Client.GetAsync("/one/x")).StatusCode);
        }
        finally
        {
            await stop.CancelAsync();
            await writer;
        }
    }

    [Fact]
    public async Task Reload_KubernetesConfigMapSwap_NewConfigApplied()
    {
        // A ConfigMap volume: gateway.json -> ..data/gateway.json, ..data -> ..<timestamp>; an update writes a
        // new timestamped folder and renames a fresh ..data_tmp link over ..data. The file itself never changes.
        var root = folder.Path;
        Directory.CreateDirectory(Path.Combine(root, "..v1"));
        File.WriteAllText(Path.Combine(root, "..v1", "gateway.json"), Api("one", "/one", revision: 1));
        File.CreateSymbolicLink(Path.Combine(root, "..data"), "..v1");
        File.CreateSymbolicLink(Path.Combine(root, "gateway.json"), Path.Combine("..data", "gateway.json"));
        await using var gateway = await GatewayProcess.StartAsync(folder.ConfigFile);
        Assert.Equal(HttpStatusCode.OK, (await gateway.Client.GetAsync("/one/x")).StatusCode);

        Directory.CreateDirectory(Path.Combine(root, "..v2"));
        File.WriteAllText(Path.Combine(root, "..v2", "gateway.json"), Api("two", "/two", revision: 2));
        File.CreateSymbolicLink(Path.Combine(root, "..data_tmp"), "..v2");
        Assert.Equal(0, rename(Path.Combine(root, "..data_tmp"), Path.Combine(root, "..data"))); // atomic, as kubelet does

        await gateway.EventuallyAsync(async () => (await gateway.Client.GetAsync("/two/x")).StatusCode == HttpStatusCode.OK, "/two served");
    }

    // File.Move refuses a link to a directory; kubelet's swap is a plain rename(2).
    [System.Runtime.InteropServices.DllImport("libc", SetLastError = true)]
    private static extern int rename(string oldPath, string newPath);
}
