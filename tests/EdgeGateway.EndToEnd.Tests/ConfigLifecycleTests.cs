using System.Net;
using System.Text;
using System.Text.Json;
using EdgeGateway.Contracts.Signing;
using EdgeGateway.EndToEnd.Tests.Infrastructure;

namespace EdgeGateway.EndToEnd.Tests;

/// <summary>Start-up with good and bad configs, hot reload, and signature enforcement, against the AOT binary.</summary>
public sealed class ConfigLifecycleTests : IAsyncLifetime
{
    private readonly ConfigFolder folder = new();
    private TestBackend backend = null!;

    public async Task InitializeAsync() => backend = await TestBackend.StartAsync();

    public async Task DisposeAsync()
    {
        await backend.DisposeAsync();
        folder.Dispose();
    }

    private string Api(string id, string path, int revision = 1) => $$"""
        { "schemaVersion": 1, "revision": {{revision}},
          "apis": [ { "id": "{{id}}", "path": "{{path}}", "subscriptionRequired": false, "backend": { "urls": ["{{backend.Url}}"] } } ] }
        """;

    [Fact]
    public async Task Reload_FileChanged_NewConfigServedWithItsRevision()
    {
        folder.Write(Api("one", "/one"));
        await using var gateway = await GatewayProcess.StartAsync(folder.ConfigFile);
        Assert.Equal(HttpStatusCode.OK, (await gateway.Client.GetAsync("/one/x")).StatusCode);

        folder.Write(Api("two", "/two", revision: 2));

        await gateway.EventuallyAsync(async () => (await gateway.Client.GetAsync("/two/x")).StatusCode == HttpStatusCode.OK, "/two served");
        Assert.Equal(HttpStatusCode.NotFound, (await gateway.Client.GetAsync("/one/x")).StatusCode);
        Assert.Equal(2, (await gateway.StatusAsync()).GetProperty("revision").GetInt64());
    }

    [Fact]
    public async Task Reload_InvalidChange_OldConfigKeepsServingAndStatusSaysWhy()
    {
        folder.Write(Api("one", "/one"));
        await using var gateway = await GatewayProcess.StartAsync(folder.ConfigFile);

        folder.Write(Api("two", "/two", revision: 2).Replace(backend.Url, "not-a-url", StringComparison.Ordinal));

        await gateway.EventuallyAsync(async () => (await gateway.StatusAsync()).TryGetProperty("lastConfigError", out _), "refusal reported");
        var error = (await gateway.StatusAsync()).GetProperty("lastConfigError");
        Assert.Contains("apis[0].backend.urls[0]: not an absolute http(s) URL", error.GetProperty("problems")[0].GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await gateway.Client.GetAsync("/one/x")).StatusCode);
        Assert.Equal(1, (await gateway.StatusAsync()).GetProperty("revision").GetInt64());
        await gateway.PrintedAsync("refused");

        // Truncated mid-write: refused as well (the reload ran: the error now names it), still serving.
        folder.Write(Api("three", "/three", revision: 3)[..40]);
        await gateway.EventuallyAsync(async () =>
            (await gateway.StatusAsync()).GetProperty("lastConfigError").GetProperty("problems").EnumerateArray()
                .Any(p => p.GetString()!.Contains("malformed JSON", StringComparison.Ordinal)), "truncated file refused");
        Assert.Equal(HttpStatusCode.OK, (await gateway.Client.GetAsync("/one/x")).StatusCode);
        Assert.Equal(1, (await gateway.StatusAsync()).GetProperty("revision").GetInt64());

        // A later valid change is applied and clears the error.
        folder.Write(Api("four", "/four", revision: 4));
        await gateway.EventuallyAsync(async () => (await gateway.Client.GetAsync("/four/x")).StatusCode == HttpStatusCode.OK, "/four served");
        Assert.False((await gateway.StatusAsync()).TryGetProperty("lastConfigError", out _));
    }

    [Theory]
    [InlineData("""{ "schemaVersion": 1, "apis": [ { "id": "a", "path": "/a", "backend": { "urls": ["ftp://x"] } } ] }""", "apis[0].backend.urls[0]: not an absolute http(s) URL")]
    [InlineData("""{ "schemaVersion": 1, "apis": [ { "id": "a", "path": "/a", "backend": { "urls": ["http://x"] }, "timeot": "00:00:01" } ] }""", "apis[0].timeot: unknown field")]
    [InlineData("""{ "schemaVersion": 1, "apis": [ { "id": "a", "path": "/a", "bakend": { "urls": ["http://x"] } } ] }""", "apis[0].bakend: unknown field (did you mean 'backend'?")]
    [InlineData("""{ "schemaVersion": 1, "apis": [ { "id": "a", "path": "/a", "backend": { "urls": ["http://x"] } }, { "id": "a", "path": "/b", "backend": { "urls": ["http://x"] } } ] }""", "apis[1].id: duplicate API id 'a'")]
    [InlineData("""{ "schemaVersion": 1, "apis": [ { "id": "a", "path": "/a", "backend": { "urls": ["http://x"] } }, { "id": "b", "path": "/A/", "backend": { "urls": ["http://x"] } } ] }""", "apis[1].path: '/A/' conflicts with apis[0]")]
    [InlineData("""{ "schemaVersion": 1, "apis": [ """, "malformed JSON")]
    public async Task Start_InvalidConfig_ExitsNonZeroNamingTheProblem(string json, string expected)
    {
        folder.Write(json);
        await using var gateway = GatewayProcess.Launch(folder.ConfigFile);

        Assert.Equal(1, await gateway.WaitForExitAsync(TimeSpan.FromSeconds(20)));
        Assert.Contains(expected, gateway.Output, StringComparison.Ordinal);
        Assert.Contains("Gateway:ConfigFile", gateway.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_MissingFileOrSetting_ExitsNonZeroNamingTheSetting()
    {
        await using var missing = GatewayProcess.Launch(folder.File_("nope.json"));
        Assert.Equal(1, await missing.WaitForExitAsync(TimeSpan.FromSeconds(20)));
        Assert.Contains("file not found", missing.Output, StringComparison.Ordinal);

        await using var unset = GatewayProcess.Launch("");
        Assert.Equal(1, await unset.WaitForExitAsync(TimeSpan.FromSeconds(20)));
        Assert.Contains("no config source: set Gateway:ConfigFile", unset.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Trust_SignedBySameKey_IsServed()
    {
        using var key = SigningKeys.Generate();
        folder.WriteBytes(SignedSnapshot.Sign(Encoding.UTF8.GetBytes(Api("signed", "/signed")), key));

        await using var gateway = await GatewayProcess.StartAsync(folder.ConfigFile,
            env: new Dictionary<string, string> { ["Trust__SigningKey"] = SigningKeys.ExportPublicPem(key) });

        Assert.Equal(HttpStatusCode.OK, (await gateway.Client.GetAsync("/signed/x")).StatusCode);
    }

    [Fact]
    public async Task Trust_UnsignedTamperedOrForeign_IsRefused()
    {
        using var key = SigningKeys.Generate();
        using var foreign = SigningKeys.Generate();
        var env = new Dictionary<string, string> { ["Trust__SigningKey"] = SigningKeys.ExportPublicPem(key) };

        folder.Write(Api("plain", "/plain"));
        await using (var unsigned = GatewayProcess.Launch(folder.ConfigFile, env: env))
        {
            Assert.Equal(1, await unsigned.WaitForExitAsync(TimeSpan.FromSeconds(20)));
            Assert.Contains("not signed", unsigned.Output, StringComparison.Ordinal);
        }

        var envelope = Encoding.UTF8.GetString(SignedSnapshot.Sign(Encoding.UTF8.GetBytes(Api("signed", "/signed")), key));
        var payload = JsonDocument.Parse(envelope).RootElement.GetProperty("payload").GetString()!;
        var evil = System.Buffers.Text.Base64Url.EncodeToString(Encoding.UTF8.GetBytes(Api("evil", "/evil")));
        folder.Write(envelope.Replace(payload, evil, StringComparison.Ordinal));
        await using (var tampered = GatewayProcess.Launch(folder.ConfigFile, env: env))
        {
            Assert.Equal(1, await tampered.WaitForExitAsync(TimeSpan.FromSeconds(20)));
            Assert.Contains("signature does not match", tampered.Output, StringComparison.Ordinal);
        }

        folder.WriteBytes(SignedSnapshot.Sign(Encoding.UTF8.GetBytes(Api("other", "/other")), foreign));
        await using (var foreignSigned = GatewayProcess.Launch(folder.ConfigFile, env: env))
        {
            Assert.Equal(1, await foreignSigned.WaitForExitAsync(TimeSpan.FromSeconds(20)));
            Assert.Contains("foreign or rotated key", foreignSigned.Output, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Trust_TamperedReload_IsRefusedAndSignedConfigKeepsServing()
    {
        using var key = SigningKeys.Generate();
        folder.WriteBytes(SignedSnapshot.Sign(Encoding.UTF8.GetBytes(Api("signed", "/signed")), key));
        await using var gateway = await GatewayProcess.StartAsync(folder.ConfigFile,
            env: new Dictionary<string, string> { ["Trust__SigningKey"] = SigningKeys.ExportPublicPem(key) });

        folder.Write(Api("unsigned", "/unsigned", revision: 9));

        await gateway.EventuallyAsync(async () => (await gateway.StatusAsync()).TryGetProperty("lastConfigError", out _), "refusal reported");
        Assert.Equal(HttpStatusCode.NotFound, (await gateway.Client.GetAsync("/unsigned/x")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await gateway.Client.GetAsync("/signed/x")).StatusCode);
    }

    [Fact]
    public async Task Start_ConfigForAnotherGateway_IsRefused()
    {
        folder.Write(Api("a", "/a").Replace("\"revision\"", "\"gatewayId\": \"gw-east\", \"revision\"", StringComparison.Ordinal));

        await using var wrong = GatewayProcess.Launch(folder.ConfigFile, env: new Dictionary<string, string> { ["Gateway__Id"] = "gw-west" });
        Assert.Equal(1, await wrong.WaitForExitAsync(TimeSpan.FromSeconds(20)));
        Assert.Contains("gatewayId: this snapshot is for gateway 'gw-east', not 'gw-west'", wrong.Output, StringComparison.Ordinal);

        await using var right = await GatewayProcess.StartAsync(folder.ConfigFile, env: new Dictionary<string, string> { ["Gateway__Id"] = "gw-east" });
        Assert.Equal(HttpStatusCode.OK, (await right.Client.GetAsync("/a/x")).StatusCode);
    }

    [Theory]
    [InlineData("http://example.com:8080")]
    [InlineData("http://example.com")]
    [InlineData("https://127.0.0.1:0")]
    public async Task Start_BadUrls_ExitsNamingTheSetting(string urls)
    {
        folder.Write(Api("a", "/a"));
        await using var gateway = GatewayProcess.Launch(folder.ConfigFile, args: ["--urls", urls]);

        Assert.Equal(1, await gateway.WaitForExitAsync(TimeSpan.FromSeconds(20)));
        Assert.Contains("urls", gateway.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reload_FileDeletedThenRestored_ErrorClearsAndServingNeverStops()
    {
        var json = Api("one", "/one");
        folder.Write(json);
        await using var gateway = await GatewayProcess.StartAsync(folder.ConfigFile);

        File.Delete(folder.ConfigFile);
        await gateway.EventuallyAsync(async () => (await gateway.StatusAsync()).TryGetProperty("lastConfigError", out _), "missing file reported");
        Assert.Equal(HttpStatusCode.OK, (await gateway.Client.GetAsync("/one/x")).StatusCode);

        folder.Write(json);
        await gateway.EventuallyAsync(async () => !(await gateway.StatusAsync()).TryGetProperty("lastConfigError", out _), "error cleared");
        Assert.Single(gateway.Output.Split('\n'), l => l.Contains("is missing", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("Gateway__ShutdownTimeout", "30s", "Gateway:ShutdownTimeout")]
    [InlineData("Gateway__H2cPort", "abc", "Gateway:H2cPort")]
    [InlineData("Backup__Keep", "five", "Backup:Keep")]
    [InlineData("Backup__Provider", "ftp", "Backup:Provider")]
    public async Task Start_MalformedSetting_Exit1NamingIt(string variable, string value, string setting)
    {
        folder.Write(Api("a", "/a"));
        await using var gateway = GatewayProcess.Launch(folder.ConfigFile, env: new Dictionary<string, string> { [variable] = value });

        Assert.Equal(1, await gateway.WaitForExitAsync(TimeSpan.FromSeconds(20)));
        Assert.Contains(setting, gateway.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("Unhandled exception", gateway.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_BadTrustKey_ExitsNamingTheSetting()
    {
        folder.Write(Api("a", "/a"));
        await using var gateway = GatewayProcess.Launch(folder.ConfigFile, env: new Dictionary<string, string> { ["Trust__SigningKey"] = "garbage" });

        Assert.Equal(1, await gateway.WaitForExitAsync(TimeSpan.FromSeconds(20)));
        Assert.Contains("Trust:SigningKey", gateway.Output, StringComparison.Ordinal);
    }
}
