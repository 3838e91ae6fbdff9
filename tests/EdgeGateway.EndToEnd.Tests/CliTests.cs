using EdgeGateway.EndToEnd.Tests.Infrastructure;

namespace EdgeGateway.EndToEnd.Tests;

/// <summary>The operator subcommands of the AOT binary: exit codes and messages.</summary>
public sealed class CliTests : IDisposable
{
    private readonly ConfigFolder folder = new();

    public void Dispose() => folder.Dispose();

    private const string Valid = """
        { "schemaVersion": 1, "revision": 2, "apis": [ { "id": "a", "path": "/a", "backend": { "urls": ["http://127.0.0.1:9"] } } ] }
        """;

    [Fact]
    public async Task KeygenSignValidate_RoundTrip()
    {
        var keys = folder.File_("keys");
        var (keygen, keygenOut, _) = await GatewayCommand.RunAsync("keygen", "--out", keys);
        Assert.Equal(0, keygen);
        Assert.Contains("key id:", keygenOut, StringComparison.Ordinal);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(keys, "signing-key.pem")));

        var config = folder.Write(Valid);
        var signed = folder.File_("signed.json");
        var (sign, _, signErr) = await GatewayCommand.RunAsync("sign", "--key", Path.Combine(keys, "signing-key.pem"), "--out", signed, config);
        Assert.Equal(0, sign);
        Assert.Contains("signed", signErr, StringComparison.Ordinal);

        var (validate, validateOut, _) = await GatewayCommand.RunAsync("validate", "--trust-key", Path.Combine(keys, "signing-key.pub.pem"), signed);
        Assert.Equal(0, validate);
        Assert.Contains("signature valid", validateOut, StringComparison.Ordinal);

        var (unsigned, _, unsignedErr) = await GatewayCommand.RunAsync("validate", "--trust-key", Path.Combine(keys, "signing-key.pub.pem"), config);
        Assert.Equal(1, unsigned);
        Assert.Contains("not signed", unsignedErr, StringComparison.Ordinal);

        var (again, _, _) = await GatewayCommand.RunAsync("keygen", "--out", keys);
        Assert.Equal(1, again); // never overwrites a key silently
    }

    [Fact]
    public async Task Validate_DocumentWithTrafficAndCachePolicies_Exit0()
    {
        var config = folder.Write("""
            { "schemaVersion": 1, "revision": 1,
              "apis": [ { "id": "echo", "path": "/echo", "subscriptionRequired": true, "backend": { "urls": ["http://127.0.0.1:5099"] },
                  "operations": [ { "id": "get-item", "method": "GET", "urlTemplate": "/items/{id}" } ],
                  "policies": { "inbound": [ { "type": "base" },
                    { "type": "rate-limit-by-key", "calls": 5, "renewalPeriod": 60, "counterKey": "@(context.Subscription.Id)" },
                    { "type": "cache-lookup", "varyByDeveloper": false, "varyByDeveloperGroups": false } ] } } ],
              "products": [ { "id": "starter", "apis": ["echo"], "subscriptionRequired": true } ],
              "subscriptions": [ { "id": "alice", "scope": "products/starter", "primaryKey": "alice-key-1", "state": "active" } ],
              "namedValues": [ { "id": "backend-token", "value": "s3cr3t", "secret": true } ],
              "policies": { "inbound": [ { "type": "set-header", "name": "X-Gateway", "value": "edge" } ] } }
            """);

        var (code, stdout, stderr) = await GatewayCommand.RunAsync("validate", config);

        Assert.True(code == 0, $"exit {code}: {stdout}{stderr}"); // before issue 11, cache-lookup made this exit 3
        Assert.Contains("valid, unsigned", stdout, StringComparison.Ordinal);
    }

    /// <summary>docs/examples/every-policy.json uses every type of the catalog (SchemaFileTests checks that): the AOT
    /// binary validates it with exit 0, starts on it (every step compiles), and serves its mocked operation.</summary>
    [Fact]
    public async Task EveryPolicyExample_ValidatesWithExit0_AndAGatewayServesIt()
    {
        var example = Path.Combine(GatewayBinary.RepoRoot, "docs", "examples", "every-policy.json");
        var (code, stdout, stderr) = await GatewayCommand.RunAsync("validate", example);
        Assert.True(code == 0, $"exit {code}: {stdout}{stderr}");

        var config = folder.Write(File.ReadAllText(example));
        await using var gateway = await GatewayProcess.StartAsync(config);
        using var ping = await gateway.Client.GetAsync("/status-mock/ping");
        Assert.Equal(System.Net.HttpStatusCode.OK, ping.StatusCode);
        Assert.Equal("{ \"ok\": true }", await ping.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Validate_Invalid_Exit1WithJsonPaths()
    {
        var config = folder.Write("""{ "schemaVersion": 1, "apis": [ { "id": "a b", "path": "/a", "backend": { "urls": ["http://ok", "nope"] } } ] }""");

        var (code, _, stderr) = await GatewayCommand.RunAsync("validate", config);

        Assert.Equal(1, code);
        Assert.Contains("apis[0].id: 'a b' is not a valid API id", stderr, StringComparison.Ordinal);
        Assert.Contains("apis[0].backend.urls[1]: not an absolute http(s) URL", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validate_AdjacentParametersInATemplateSegment_Exit1NamingTheTemplate()
    {
        var config = folder.Write("""
            { "schemaVersion": 1, "apis": [ { "id": "a", "path": "/a", "backend": { "urls": ["http://127.0.0.1:5099"] },
              "operations": [ { "id": "ok", "method": "GET", "urlTemplate": "/records/{id}.{format}" },
                              { "id": "bad", "method": "GET", "urlTemplate": "/a/{x}{y}" } ] } ] }
            """);

        var (code, _, stderr) = await GatewayCommand.RunAsync("validate", config);

        Assert.Equal(1, code);
        Assert.Contains("apis[0].operations[1].urlTemplate: segment '{x}{y}': parameters '{x}' and '{y}' need literal text between them",
            stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("operations[0]", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sign_MissingOrInvalidInput_Exit1AndNothingSigned()
    {
        var keys = folder.File_("keys");
        await GatewayCommand.RunAsync("keygen", "--out", keys);
        var key = Path.Combine(keys, "signing-key.pem");

        var (missing, _, missingErr) = await GatewayCommand.RunAsync("sign", "--key", key, folder.File_("nope.json"));
        Assert.Equal(1, missing);
        Assert.Contains("cannot read", missingErr, StringComparison.Ordinal);

        var invalid = folder.Write("""{ "schemaVersion": 1, "apis": [ { "id": "a", "path": "/a", "backend": { "urls": ["nope"] } } ] }""");
        var output = folder.File_("out.json");
        var (code, _, stderr) = await GatewayCommand.RunAsync("sign", "--key", key, "--out", output, invalid);
        Assert.Equal(1, code);
        Assert.Contains("apis[0].backend.urls[0]", stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(output));
    }

    [Fact]
    public async Task Validate_TrustKeyFlag_MessagesNameTheFlagNotTheSetting()
    {
        var keys = folder.File_("keys");
        await GatewayCommand.RunAsync("keygen", "--out", keys);
        var publicKey = Path.Combine(keys, "signing-key.pub.pem");
        var config = folder.Write(Valid);

        var (unsigned, _, unsignedErr) = await GatewayCommand.RunAsync("validate", "--trust-key", publicKey, config);
        Assert.Equal(1, unsigned);
        Assert.Contains("the document is not signed, and --trust-key is set", unsignedErr, StringComparison.Ordinal);
        Assert.DoesNotContain("Trust:SigningKey", unsignedErr, StringComparison.Ordinal);

        var (notPem, _, notPemErr) = await GatewayCommand.RunAsync("validate", "--trust-key", config, config);
        Assert.Equal(1, notPem);
        Assert.Contains($"error: --trust-key {config} is not PEM text", notPemErr, StringComparison.Ordinal);

        var (missing, _, missingErr) = await GatewayCommand.RunAsync("validate", "--trust-key", folder.File_("nope.pem"), config);
        Assert.Equal(2, missing);
        Assert.Contains("--trust-key: cannot read", missingErr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sign_PublicKeyGiven_Exit1SayingSignNeedsThePrivateKey()
    {
        var keys = folder.File_("keys");
        await GatewayCommand.RunAsync("keygen", "--out", keys);
        var output = folder.File_("out.json");

        var (code, _, stderr) = await GatewayCommand.RunAsync("sign", "--key", Path.Combine(keys, "signing-key.pub.pem"), "--out", output, folder.Write(Valid));

        Assert.Equal(1, code);
        Assert.Contains("--key", stderr, StringComparison.Ordinal);
        Assert.Contains("is a public key; sign needs the private key", stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(output));
    }

    [Theory]
    [InlineData("sign")]
    [InlineData("validate")]
    [InlineData("sign", "--key")]
    public async Task BadUsage_Exit2WithHelp(params string[] args)
    {
        var (code, _, stderr) = await GatewayCommand.RunAsync(args);

        Assert.Equal(2, code);
        Assert.Contains("Subcommands:", stderr, StringComparison.Ordinal);
    }
}
