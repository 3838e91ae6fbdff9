using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using EdgeGateway.EndToEnd.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.Logging;

namespace EdgeGateway.EndToEnd.Tests;

/// <summary>
/// authentication-certificate through the AOT binaries: a Kestrel backend that requires a client certificate
/// (<see cref="ClientCertificateMode.RequireCertificate"/>) answers only requests whose gateway presented one, and says
/// which. Standalone (a PFX file on disk, its password from a secret named value; a certificate in the file's own
/// <c>certificates</c>) and through the plane (<c>PUT /certificates/{id}</c>, delivered only to the gateway that uses it).
/// Neither the key nor the password shows in logs, status or heartbeats; a backup holds the certificate only encrypted.
/// </summary>
public sealed class AuthenticationCertificateTests : PlaneFixture, IAsyncLifetime
{
    private const string Password = "pfx-pass-5e1c-do-not-log";

    private readonly X509Certificate2 client = NewClientCertificate("CN=EdgeGateway Test Client");

    private TestCertificates tls = null!;
    private WebApplication backend = null!;
    private string backendUrl = "";

    private static X509Certificate2 NewClientCertificate(string subject)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.2")], false));
        using var made = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
        return X509CertificateLoader.LoadPkcs12(made.Export(X509ContentType.Pfx), null, X509KeyStorageFlags.Exportable);
    }

    /// <summary>An HTTPS backend that refuses the TLS handshake without a client certificate and answers with the one it saw.</summary>
    private async Task StartBackendAsync()
    {
        tls = new TestCertificates(Folder.Path);
        var port = Ports.Free();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        var server = X509Certificate2.CreateFromPemFile(tls.CertificatePath, tls.KeyPath);
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, port, o => o.UseHttps(https =>
        {
            https.ServerCertificate = server;
            https.ClientCertificateMode = ClientCertificateMode.RequireCertificate;
            https.AllowAnyClientCertificate(); // self-signed: the answer names the thumbprint, the test checks it
        })));
        backend = builder.Build();
        backend.Run(context => context.Response.WriteAsync(context.Connection.ClientCertificate?.Thumbprint ?? "none"));
        await backend.StartAsync();
        backendUrl = $"https://127.0.0.1:{port}";
    }

    private Dictionary<string, string> TrustBackend(Dictionary<string, string>? env = null)
    {
        env ??= [];
        env["SSL_CERT_FILE"] = tls.CaPath; // the gateway trusts the backend's server certificate (the test CA), nothing else changes
        return env;
    }

    private static async Task<(HttpStatusCode Status, string Body)> GetAsync(GatewayProcess gateway, string path)
    {
        using var response = await gateway.Client.GetAsync(path);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    private void AssertNoSecrets(params string[] places)
    {
        var key = Convert.ToBase64String(client.GetRSAPrivateKey()!.ExportPkcs8PrivateKey())[..40];
        foreach (var place in places)
        {
            Assert.DoesNotContain(Password, place, StringComparison.Ordinal);
            Assert.DoesNotContain(key, place, StringComparison.Ordinal);
            Assert.DoesNotContain("PRIVATE KEY", place, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Standalone_PfxFileWithPassword_BackendSeesTheCertificate_WithoutThePolicy502()
    {
        await StartBackendAsync();
        var pfxPath = Folder.File_("client.pfx");
        await File.WriteAllBytesAsync(pfxPath, client.Export(X509ContentType.Pfx, Password));
        Folder.Write($$$"""
            { "schemaVersion": 1,
              "namedValues": [ { "id": "pfx-password", "value": "{{{Password}}}", "secret": true } ],
              "apis": [
                { "id": "plain", "path": "/plain", "subscriptionRequired": false, "backend": { "urls": ["{{{backendUrl}}}"] } },
                { "id": "mtls", "path": "/mtls", "subscriptionRequired": false, "backend": { "urls": ["{{{backendUrl}}}"] },
                  "policies": { "inbound": [ { "type": "authentication-certificate", "path": "{{{pfxPath}}}", "password": "{{pfx-password}}" } ] } } ] }
            """);
        await using var gateway = await GatewayProcess.StartAsync(Folder.ConfigFile, env: TrustBackend());

        Assert.Equal(HttpStatusCode.BadGateway, (await GetAsync(gateway, "/plain/x")).Status);
        var (status, body) = await GetAsync(gateway, "/mtls/x");
        Assert.True(status == HttpStatusCode.OK, $"{(int)status}: {body}");
        Assert.Equal(client.Thumbprint, body);
        Assert.Equal(client.Thumbprint, (await GetAsync(gateway, "/mtls/again")).Body); // the same client, reused

        // A wrong password is refused at load, with a message that says so (never the password); the last good config serves.
        Folder.Write(File.ReadAllText(Folder.ConfigFile).Replace(Password, "not-the-password", StringComparison.Ordinal));
        await gateway.PrintedAsync("wrong password");
        Assert.Equal(client.Thumbprint, (await GetAsync(gateway, "/mtls/still")).Body);
        AssertNoSecrets(gateway.Output, (await gateway.StatusAsync()).GetRawText());
        Assert.DoesNotContain("not-the-password", gateway.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SendRequest_WithACertificateChild_PresentsIt_WithoutTheChildTheSideCallFails()
    {
        await StartBackendAsync();
        var pfxPath = Folder.File_("client.pfx");
        await File.WriteAllBytesAsync(pfxPath, client.Export(X509ContentType.Pfx, Password));
        Folder.Write($$$"""
            { "schemaVersion": 1,
              "namedValues": [ { "id": "pfx-password", "value": "{{{Password}}}", "secret": true } ],
              "apis": [
                { "id": "with", "path": "/with", "subscriptionRequired": false, "backend": { "urls": ["http://127.0.0.1:9"] },
                  "policies": { "inbound": [
                    { "type": "send-request", "responseVariableName": "r", "timeout": 60, "policies": [
                      { "type": "set-url", "url": "{{{backendUrl}}}/side" },
                      { "type": "authentication-certificate", "path": "{{{pfxPath}}}", "password": "{{pfx-password}}" } ] },
                    { "type": "return-response", "statusCode": 200, "body": "@(((IResponse)context.Variables[\"r\"]).Body.As<string>())" } ] } },
                { "id": "without", "path": "/without", "subscriptionRequired": false, "backend": { "urls": ["http://127.0.0.1:9"] },
                  "policies": { "inbound": [
                    { "type": "send-request", "responseVariableName": "r", "timeout": 60, "policies": [ { "type": "set-url", "url": "{{{backendUrl}}}/side" } ] },
                    { "type": "return-response", "statusCode": 200, "body": "unreachable" } ] } } ] }
            """);
        await using var gateway = await GatewayProcess.StartAsync(Folder.ConfigFile, env: TrustBackend());

        var (status, body) = await GetAsync(gateway, "/with/x");
        Assert.True(status == HttpStatusCode.OK, $"{(int)status}: {body}");
        Assert.Equal(client.Thumbprint, body); // the side call presented the policy's certificate
        Assert.Equal(HttpStatusCode.BadGateway, (await GetAsync(gateway, "/without/x")).Status); // the backend refused the handshake
        AssertNoSecrets(gateway.Output, (await gateway.StatusAsync()).GetRawText());
    }

    [Fact]
    public async Task Standalone_MissingFile_RefusedAtStart_WithAClearMessage()
    {
        await StartBackendAsync();
        Folder.Write($$"""
            { "schemaVersion": 1, "apis": [ { "id": "mtls", "path": "/mtls", "subscriptionRequired": false, "backend": { "urls": ["{{backendUrl}}"] },
                "policies": { "inbound": [ { "type": "authentication-certificate", "path": "{{Folder.File_("absent.pfx")}}" } ] } } ] }
            """);
        await using var gateway = GatewayProcess.Launch(Folder.ConfigFile, env: new Dictionary<string, string> { ["ManagementPlane__StartupTimeout"] = "00:00:02" });
        await gateway.PrintedAsync("authentication-certificate: cannot read the certificate file");
        Assert.DoesNotContain("please report", gateway.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Standalone_CertificateInTheFile_ByThumbprint_BackedUpOnlyEncrypted()
    {
        await StartBackendAsync();
        var data = Convert.ToBase64String(client.Export(X509ContentType.Pfx));
        Folder.Write($$"""
            { "schemaVersion": 1, "gatewayId": "gw",
              "certificates": [ { "id": "partner", "thumbprint": "{{client.Thumbprint}}", "data": "{{data}}" } ],
              "apis": [ { "id": "mtls", "path": "/mtls", "subscriptionRequired": false, "backend": { "urls": ["{{backendUrl}}"] },
                "policies": { "inbound": [ { "type": "authentication-certificate", "thumbprint": "{{client.Thumbprint}}" } ] } } ] }
            """);
        var backups = Folder.File_("backups");
        var env = TrustBackend(new() { ["Gateway__Id"] = "gw", ["Backup__Provider"] = "disk", ["Backup__Disk__Path"] = backups,
            ["Backup__EncryptionKey"] = "a passphrase for the certificate backups test" });
        await using var gateway = await GatewayProcess.StartAsync(Folder.ConfigFile, env: env);

        Assert.Equal(client.Thumbprint, (await GetAsync(gateway, "/mtls/x")).Body);
        await gateway.EventuallyAsync(async () =>
            (await gateway.StatusAsync()).GetProperty("backup").TryGetProperty("lastRevision", out var r) && r.ValueKind == JsonValueKind.Number,
            "backed up", 60);
        var files = Directory.GetFiles(backups, "*", SearchOption.AllDirectories).Where(f => f.Contains("snapshots", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(files);
        foreach (var file in files)
        {
            var content = Encoding.UTF8.GetString(await File.ReadAllBytesAsync(file));
            Assert.DoesNotContain(data[..40], content, StringComparison.Ordinal);
            Assert.DoesNotContain(client.Thumbprint, content, StringComparison.Ordinal);
        }

        AssertNoSecrets(gateway.Output, (await gateway.StatusAsync()).GetRawText());
        Assert.DoesNotContain(data[..40], gateway.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Plane_UploadedCertificate_ReachesOnlyTheGatewayThatUsesIt_AndIsPresented()
    {
        await StartBackendAsync();
        using (var upload = await Plane.Admin.PutAsJsonAsync("/certificates/partner",
            new Dictionary<string, string> { ["data"] = Convert.ToBase64String(client.Export(X509ContentType.Pfx, Password)), ["password"] = Password }))
        {
            Assert.True(upload.StatusCode == HttpStatusCode.Created, await upload.Content.ReadAsStringAsync());
        }

        var shown = await Plane.Admin.GetStringAsync("/certificates/partner");
        using (var json = JsonDocument.Parse(shown))
        {
            Assert.Equal(client.Thumbprint, json.RootElement.GetProperty("thumbprint").GetString());
            Assert.True(json.RootElement.GetProperty("hasPrivateKey").GetBoolean());
            Assert.False(json.RootElement.TryGetProperty("data", out _));
        }

        await Plane.ApplyAsync($$"""
            { "schemaVersion": 1,
              "apis": [
                { "id": "mtls", "path": "/mtls", "subscriptionRequired": false, "backend": { "urls": ["{{backendUrl}}"] },
                  "policies": { "inbound": [ { "type": "authentication-certificate", "certificateId": "partner" } ] } },
                { "id": "plain", "path": "/plain", "subscriptionRequired": false, "backend": { "urls": ["{{backendUrl}}"] } } ],
              "gateways": [ { "id": "gw1", "apis": ["mtls"] }, { "id": "gw2", "apis": ["plain"] } ] }
            """);

        // A policy still names it: the plane will not delete it.
        using (var delete = await Plane.Admin.DeleteAsync("/certificates/partner"))
        {
            Assert.Equal(HttpStatusCode.Conflict, delete.StatusCode);
        }

        await using var gw1 = await GatewayProcess.StartAsync("", env: TrustBackend(await Plane.GatewayEnvironmentAsync("gw1")));
        await using var gw2 = await GatewayProcess.StartAsync("", env: TrustBackend(await Plane.GatewayEnvironmentAsync("gw2")));
        var (status, body) = await GetAsync(gw1, "/mtls/x");
        Assert.True(status == HttpStatusCode.OK, $"{(int)status}: {body}");
        Assert.Equal(client.Thumbprint, body);
        Assert.Equal(HttpStatusCode.BadGateway, (await GetAsync(gw2, "/plain/x")).Status);

        Assert.Contains(client.Thumbprint, await SnapshotPayloadAsync("gw1"), StringComparison.Ordinal);
        var other = await SnapshotPayloadAsync("gw2");
        Assert.DoesNotContain(client.Thumbprint, other, StringComparison.Ordinal);
        Assert.DoesNotContain("certificates", other, StringComparison.Ordinal);

        await gw1.EventuallyAsync(async () => (await Plane.StatusAsync("gw1")).GetProperty("instances").GetArrayLength() > 0, "a heartbeat");
        AssertNoSecrets(gw1.Output, gw2.Output, Plane.Output, shown, (await gw1.StatusAsync()).GetRawText(),
            (await Plane.StatusAsync("gw1")).GetRawText(), await Plane.Admin.GetStringAsync("/config"));
    }

    private async Task<string> SnapshotPayloadAsync(string gatewayId)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/gateway/v1/gateways/{gatewayId}/snapshot");
        request.Headers.TryAddWithoutValidation("Authorization", await Plane.TokenAsync(gatewayId));
        using var response = await Plane.Admin.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{gatewayId}: {(int)response.StatusCode} {text}");
        var payload = JsonDocument.Parse(text).RootElement.GetProperty("payload").GetString()!;
        return Encoding.UTF8.GetString(Convert.FromBase64String(payload.Replace('-', '+').Replace('_', '/').PadRight((payload.Length + 3) / 4 * 4, '=')));
    }

    Task IAsyncLifetime.InitializeAsync() => InitializeAsync();

    async Task IAsyncLifetime.DisposeAsync()
    {
        if (backend is not null)
        {
            await backend.DisposeAsync();
        }

        client.Dispose();
        await DisposeAsync();
    }
}
