using System.Buffers;
using System.Text.Json;
using EdgeGateway.Telemetry;
using Microsoft.AspNetCore.Http;

namespace EdgeGateway.Tests.Telemetry;

/// <summary>The access log's queue and line format, and the rejection reasons, without a host.</summary>
public sealed class AccessLogUnitTests
{
    [Fact]
    public void FullQueue_DropsAndCounts_WithoutBlocking()
    {
        var log = new AccessLog(1.0, "westeurope", Contracts.Net.IpRangeSet.Empty);
        var facts = new RequestFacts(null, DateTimeOffset.UnixEpoch);
        for (var i = 0; i < AccessLog.Capacity + 3; i++)
        {
            log.Offer(new DefaultHttpContext(), facts, null, TimeSpan.FromMilliseconds(5), null); // nobody reads: the queue fills
        }

        Assert.Equal(3, log.Dropped);
    }

    [Fact]
    public void Url_NoApiMatched_EveryKeyNameTheConfigUses_IsStripped()
    {
        var context = new DefaultHttpContext();
        context.Request.Scheme = "https";
        context.Request.Host = new HostString("api.example.com");
        context.Request.Path = "/ordrs/1"; // a misspelt path: no API, so no API's key name
        context.Request.QueryString = new QueryString("?apikey=secret-1&page=2&X-Key=secret-2");
        context.Response.StatusCode = 404;
        var log = new AccessLog(1.0, null, Contracts.Net.IpRangeSet.Empty);
        var facts = new RequestFacts(null, DateTimeOffset.UnixEpoch)
        {
            KeyQueries = new HashSet<string>(["subscription-key", "apikey", "x-key"], StringComparer.OrdinalIgnoreCase),
        };

        log.Offer(context, facts, null, TimeSpan.Zero, null);

        Assert.True(log.Reader.TryRead(out var entry));
        Assert.Equal("https://api.example.com/ordrs/1?page=2", entry!.Url);
    }

    [Fact]
    public void FailedForward_WithoutPolicies_IsInSectionBackend()
    {
        var context = new DefaultHttpContext();
        context.Response.StatusCode = 502;
        var log = new AccessLog(1.0, null, Contracts.Net.IpRangeSet.Empty);
        var facts = new RequestFacts(null, DateTimeOffset.UnixEpoch) { ErrorSource = "forward-request", ErrorReason = "BackendConnectionFailure" };

        log.Offer(context, facts, null, TimeSpan.Zero, null);

        Assert.True(log.Reader.TryRead(out var entry));
        Assert.Equal("backend", entry!.LastErrorSection);
    }

    [Fact]
    public void Line_IsOneJsonObject_AbsentValuesLeftOut()
    {
        var context = new DefaultHttpContext();
        context.Request.Method = "POST";
        context.Request.Scheme = "https";
        context.Request.Host = new HostString("api.example.com");
        context.Request.Path = "/orders/1";
        context.Request.QueryString = new QueryString("?subscription-key=secret&x=1");
        context.Request.Protocol = "HTTP/2";
        context.Request.ContentLength = 12;
        context.Response.StatusCode = 503;
        var log = new AccessLog(0, "westeurope", Contracts.Net.IpRangeSet.Empty);
        log.Offer(context, new RequestFacts(null, DateTimeOffset.UnixEpoch), null, TimeSpan.FromMilliseconds(7.9), "gw-1");
        Assert.True(log.Reader.TryRead(out var entry)); // a 5xx is logged whatever the ratio
        var buffer = new ArrayBufferWriter<byte>();

        AccessLog.Write(entry!, buffer);

        var text = System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
        Assert.EndsWith("}\n", text, StringComparison.Ordinal);
        Assert.Single(text.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        var line = JsonDocument.Parse(text).RootElement;
        Assert.Equal("1970-01-01T00:00:00Z", line.GetProperty("TimeGenerated").GetString());
        Assert.Equal("https://api.example.com/orders/1?x=1", line.GetProperty("Url").GetString());
        Assert.Equal(503, line.GetProperty("ResponseCode").GetInt32());
        Assert.Equal(7, line.GetProperty("TotalTime").GetInt64());
        Assert.Equal(12, line.GetProperty("RequestSize").GetInt64());
        Assert.Equal("none", line.GetProperty("Cache").GetString());
        Assert.Equal("HTTP/2", line.GetProperty("ClientProtocol").GetString());
        Assert.Equal("westeurope", line.GetProperty("Region").GetString());
        Assert.Equal("gw-1", line.GetProperty("GatewayId").GetString());
        Assert.False(line.GetProperty("IsRequestSuccess").GetBoolean());
        foreach (var absent in new[] { "ApiId", "OperationId", "ProductId", "ApimSubscriptionId", "BackendResponseCode", "BackendTime", "ResponseSize", "CorrelationId" })
        {
            Assert.False(line.TryGetProperty(absent, out _), absent);
        }
    }

    [Theory]
    [InlineData("rate-limit", "RateLimitExceeded", 429, "rate_limit")]
    [InlineData("rate-limit-by-key", "RateLimitExceeded", 429, "rate_limit")]
    [InlineData("quota-by-key", "QuotaExceeded", 403, "quota")]
    [InlineData("validate-jwt", "TokenExpired", 401, "jwt")]
    [InlineData("validate-azure-ad-token", "TokenNotPresent", 401, "jwt")]
    [InlineData("ip-filter", "CallerIpNotAllowed", 403, "ip_filter")]
    [InlineData("validate-client-certificate", "ClientCertificateNotPresent", 401, "client_certificate")]
    [InlineData("check-header", "HeaderNotFound", 401, "other")]
    [InlineData("limit-concurrency", "ConcurrencyLimitExceeded", 429, "other")]
    [InlineData("forward-request", "BackendConnectionFailure", 502, null)]
    [InlineData("policy", "PolicyEvaluationFailed", 500, null)]
    public void PolicyFailure_RejectionReason(string policy, string reason, int status, string? expected)
    {
        Assert.Equal(expected, GatewayAttributes.RejectionOf(policy, reason, status));
    }

    [Theory]
    [InlineData(101, "1xx")]
    [InlineData(204, "2xx")]
    [InlineData(304, "3xx")]
    [InlineData(499, "4xx")]
    [InlineData(599, "5xx")]
    [InlineData(0, "5xx")]
    public void StatusClass(int status, string expected)
    {
        Assert.Equal(expected, GatewayAttributes.StatusClassOf(status));
    }
}
