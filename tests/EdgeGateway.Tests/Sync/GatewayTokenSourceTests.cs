using System.Runtime.InteropServices;
using EdgeGateway.Configuration;
using EdgeGateway.Contracts.Signing;
using EdgeGateway.Contracts.Sync;
using EdgeGateway.Hosting;
using EdgeGateway.Sync;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace EdgeGateway.Tests.Sync;

/// <summary>ManagementPlane:TokenFile laid out as Kubernetes mounts a Secret: token -> ..data/token, ..data -> ..TIMESTAMP.</summary>
public sealed class GatewayTokenSourceTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("eg-token-").FullName;
    private readonly FakeTimeProvider clock = new(DateTimeOffset.UtcNow);
    private int generation;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    private static string Token(string gatewayId, int days) => GatewayToken.Create(gatewayId, DateTimeOffset.UtcNow.AddDays(days), "key-" + days).Value;

    /// <summary>What the kubelet does on a rotation: a new timestamped folder, a temporary link to it, renamed over ..data.</summary>
    private void Mount(string content)
    {
        var data = Path.Combine(folder, $"..2026_11_30_{++generation}");
        Directory.CreateDirectory(data);
        File.WriteAllText(Path.Combine(data, "token"), content);
        var temp = Path.Combine(folder, "..data_tmp");
        File.CreateSymbolicLink(temp, Path.GetFileName(data));
        Assert.Equal(0, rename(temp, Path.Combine(folder, "..data")));
        if (!File.Exists(Path.Combine(folder, "token")))
        {
            File.CreateSymbolicLink(Path.Combine(folder, "token"), Path.Combine("..data", "token"));
        }
    }

    private GatewaySettings Settings(string? token = null)
    {
        using var key = SigningKeys.Generate();
        var values = new Dictionary<string, string?>
        {
            ["Gateway:Id"] = "gw1",
            ["ManagementPlane:Url"] = "http://127.0.0.1:1",
            ["ManagementPlane:TokenFile"] = Path.Combine(folder, "token"),
            ["ManagementPlane:Token"] = token,
            ["Trust:SigningKey"] = SigningKeys.ExportPublicPem(key),
        };
        return GatewaySettings.Read(new ConfigurationBuilder().AddInMemoryCollection(values).Build());
    }

    [Fact]
    public void Reload_AfterASecretRotation_SendsTheNewToken_StatusShowsWhichOneNotTheTokenItself()
    {
        var first = Token("gw1", 10);
        Mount(first + "\n");
        using var tokens = new GatewayTokenSource(Settings(), clock, NullLoggerFactory.Instance);
        var changed = 0;
        tokens.Changed += () => changed++;
        Assert.Equal(first, tokens.Value);
        var before = tokens.Status;

        var second = Token("gw1", 20);
        Mount(second + "\n");
        tokens.Reload();

        Assert.Equal(second, tokens.Value);
        Assert.Equal(1, changed);
        Assert.Equal("gw1", tokens.Status.GatewayId);
        Assert.Equal(GatewayToken.TryParse(second, out var parsed) ? parsed!.Expiry : default, tokens.Expiry);
        Assert.NotEqual(before.Fingerprint, tokens.Status.Fingerprint);
        Assert.Equal(8, tokens.Status.Fingerprint.Length);
        Assert.DoesNotContain(tokens.Status.Fingerprint, second, StringComparison.OrdinalIgnoreCase);
        Assert.StartsWith("ManagementPlane:TokenFile ", tokens.Status.Source, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("not a token")]
    [InlineData("GatewayKey gw2&209901010000&c2lnbmF0dXJl")]
    public void Reload_FileWithoutATokenForThisGateway_KeepsTheTokenInUse(string content)
    {
        var first = Token("gw1", 10);
        Mount(first);
        using var tokens = new GatewayTokenSource(Settings(), clock, NullLoggerFactory.Instance);

        Mount(content);
        tokens.Reload();

        Assert.Equal(first, tokens.Value);
    }

    [Fact]
    public void Reload_TokenCopiedJsonEscaped_KeepsTheTokenInUse_LogSaysToWriteAmpersands()
    {
        var first = Token("gw1", 10);
        Mount(first);
        var logs = new CapturingLoggerFactory();
        using var tokens = new GatewayTokenSource(Settings(), clock, logs);

        Mount(Token("gw1", 20).Replace("&", "\\u0026", StringComparison.Ordinal));
        tokens.Reload();

        Assert.Equal(first, tokens.Value);
        var line = logs.Single(71);
        Assert.Contains("does not hold a gateway token", line, StringComparison.Ordinal);
        Assert.Contains("copied JSON-escaped; write '&' in place of each '\\u0026'", line, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_TokenAndTokenFileBothSet_RefusesToStart()
    {
        Mount(Token("gw1", 10));

        var error = Assert.Throws<StartupException>(() => Settings(Token("gw1", 5)));

        Assert.Contains("both ManagementPlane:Token and ManagementPlane:TokenFile are set", error.Message, StringComparison.Ordinal);
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int rename(string from, string to);
}
