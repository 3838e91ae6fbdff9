using EdgeGateway.Proxy;

namespace EdgeGateway.Tests.Proxy;

public sealed class RawRemainderTests
{
    [Theory]
    [InlineData("/echo/a%2Fb", 1, "/a%2Fb")]
    [InlineData("/echo/@scope%2Fpkg?x=1", 1, "/@scope%2Fpkg")]
    [InlineData("/echo/%FC/a%2", 1, "/%FC/a%2")]
    [InlineData("/%65cho/x", 1, "/x")] // the prefix matched in decoded form
    [InlineData("/echo", 1, "")]
    [InlineData("/echo?q", 1, "")]
    [InlineData("/echo/", 1, "/")]
    [InlineData("/echo//x", 1, "//x")]
    [InlineData("/v1/orders/7", 2, "/7")]
    [InlineData("/any/path", 0, "/any/path")]
    [InlineData("http://example.com/echo/a%2Fb?q", 1, "/a%2Fb")] // absolute form
    [InlineData("*", 0, "")]
    [InlineData("", 1, "")]
    [InlineData("/", 2, "")]
    public void From_NoDotSegments_RestOfTheTargetAsWritten(string rawTarget, int prefixSegments, string expected)
    {
        Assert.Equal(expected, RawRemainder.From(rawTarget, prefixSegments).Path.ToString());
    }

    [Theory]
    [InlineData("/echo/a/../b", 1, "/a/../b")] // stays below the remainder's start: as sent
    [InlineData("/echo/a/./b/%2e%2E/c", 1, "/a/./b/%2e%2E/c")]
    [InlineData("/echo/v1.2/x.json", 1, "/v1.2/x.json")]
    [InlineData("/echo/../echo/x", 1, "/x")] // climbs out of the prefix: resolved
    [InlineData("/echo/%2e%2e/echo/a%2Fb", 1, "/a%2Fb")]
    [InlineData("/echo/a/../../admin/x", 1, "/x")] // routed to /admin
    [InlineData("/./echo/y", 1, "/y")] // the prefix reached through a dot segment
    [InlineData("/echo/a/..", 1, "/a/..")]
    public void From_DotSegments_AsSentUnlessTheyLeaveTheRemainder(string rawTarget, int prefixSegments, string expected)
    {
        Assert.Equal(expected, RawRemainder.From(rawTarget, prefixSegments).Path.ToString());
    }
}
