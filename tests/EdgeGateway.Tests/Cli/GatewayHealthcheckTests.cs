using EdgeGateway.Cli;
using EdgeGateway.Hosting;
using Microsoft.Extensions.Configuration;

namespace EdgeGateway.Tests.Cli;

/// <summary>Which listener <c>EdgeGateway healthcheck</c> probes: the one the gateway itself binds from the same settings.</summary>
public sealed class GatewayHealthcheckTests
{
    [Theory]
    [InlineData("http://127.0.0.1:7001", null, null, "http://127.0.0.1:7001")]
    [InlineData(null, "http://+:7002", null, "http://+:7002")]
    [InlineData(null, null, "7003", "http://*:7003")]
    [InlineData(null, "http://+:7002", "7003", "http://+:7002")]
    [InlineData(null, null, null, null)]
    [InlineData(null, "", "7003", "http://*:7003")]
    [InlineData(null, " ", null, null)]
    [InlineData("", null, "7003", "http://*:7003")]
    public void Urls_CommandLine_ThenAspNetCoreUrls_ThenHttpPorts_EmptyCountsAsUnset(string? commandLine, string? aspnetcoreUrls, string? httpPorts, string? expected)
    {
        var environment = new Dictionary<string, string?> { ["ASPNETCORE_URLS"] = aspnetcoreUrls, ["ASPNETCORE_HTTP_PORTS"] = httpPorts };
        Assert.Equal(expected, GatewayHostBuilder.Urls(commandLine, n => environment.GetValueOrDefault(n)));
    }

    [Fact]
    public async Task Healthcheck_NothingListening_Exits1_WithOneLineSayingRefused()
    {
        using var socket = new System.Net.Sockets.Socket(System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp);
        socket.Bind(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 0));
        var port = ((System.Net.IPEndPoint)socket.LocalEndPoint!).Port; // bound, not listening: connections are refused

        var stderr = new StringWriter();
        var code = await GatewayCli.RunAsync(["healthcheck", "--urls", $"http://+:{port}"], TextWriter.Null, stderr);

        Assert.Equal(1, code);
        var line = Assert.Single(stderr.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains($"http://127.0.0.1:{port}/healthz/ready", line, StringComparison.Ordinal);
        Assert.Contains("refused", line, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--bogus")]
    [InlineData("--url", "not a url")]
    [InlineData("--timeout", "0")]
    [InlineData("--timeout", "NaN")]
    [InlineData("--timeout", "-5")]
    [InlineData("--timeout", "1e309")]
    [InlineData("--url")]
    public async Task Healthcheck_BadOption_Exits1_NotDockersReserved2(params string[] options)
    {
        var stderr = new StringWriter();
        var code = await GatewayCli.RunAsync(["healthcheck", .. options], TextWriter.Null, stderr);
        Assert.Equal(1, code);
        Assert.StartsWith("error: ", stderr.ToString(), StringComparison.Ordinal);
        Assert.Contains("usage: EdgeGateway healthcheck", stderr.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Healthcheck_OnlyHttpsListeners_ProbesTheFirstOnLoopback_Exits1WhenNothingListens()
    {
        using var socket = new System.Net.Sockets.Socket(System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp);
        socket.Bind(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 0));
        var port = ((System.Net.IPEndPoint)socket.LocalEndPoint!).Port;

        var stderr = new StringWriter();
        var code = await GatewayCli.RunAsync(["healthcheck", "--urls", $"https://[::]:{port}"], TextWriter.Null, stderr);
        Assert.Equal(1, code);
        Assert.Contains($"https://127.0.0.1:{port}/healthz/ready", stderr.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void AdminUrls_ReadsGatewayAdminUrls_EmptyIsUnset()
    {
        IConfiguration Environment(params (string Key, string Value)[] pairs) =>
            new ConfigurationBuilder().AddInMemoryCollection(pairs.Select(p => new KeyValuePair<string, string?>(p.Key, p.Value))).Build();
        Assert.Equal("http://127.0.0.1:9090", HealthcheckCommand.AdminUrls(Environment(("Gateway:AdminUrls", "http://127.0.0.1:9090"))));
        Assert.Null(HealthcheckCommand.AdminUrls(Environment(("Gateway:AdminUrls", ""))));
        Assert.Null(HealthcheckCommand.AdminUrls(Environment()));
    }
}
