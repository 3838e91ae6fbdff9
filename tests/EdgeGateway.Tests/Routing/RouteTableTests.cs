using EdgeGateway.Contracts.Snapshot;
using EdgeGateway.Routing;

namespace EdgeGateway.Tests.Routing;

public sealed class RouteTableTests
{
    private static ApiRoute Api(string id, string path, params (string Method, string Template)[] operations) => new(new ApiDefinition
    {
        Id = id,
        Path = path,
        Backend = new BackendDefinition { Urls = ["http://127.0.0.1:1"] },
        Operations = [.. operations.Select((o, i) => new OperationDefinition { Id = $"op{i}", Method = o.Method, UrlTemplate = o.Template })],
    }, []);

    private static readonly RouteTable Table = new([Api("root", "/"), Api("v1", "/v1"), Api("orders", "/v1/orders")]);

    [Theory]
    [InlineData("/v1/orders/7", "orders", "/7")]
    [InlineData("/v1/orders", "orders", "")]
    [InlineData("/v1/ORDERS/", "orders", "/")]
    [InlineData("/v1/ordersX", "v1", "/ordersX")]
    [InlineData("/v1", "v1", "")]
    [InlineData("/other/x", "root", "/other/x")]
    [InlineData("/", "root", "/")]
    public void Match_LongestPrefixOnSegmentBoundary(string path, string api, string remainder)
    {
        var route = Table.Match(path, out var prefixLength);

        Assert.Equal(api, route?.Id);
        Assert.Equal(remainder, path[prefixLength..]);
    }

    [Fact]
    public void Match_NoRootApi_UnknownPathHasNoRoute()
    {
        var table = new RouteTable([Api("v1", "/v1")]);

        Assert.Null(table.Match("/v2/x", out _));
        Assert.Null(table.Match("/", out _));
    }

    [Fact]
    public void MatchOperation_MostSpecificTemplateWins_AndHeadMatchesGet()
    {
        var api = Api("a", "/a", ("GET", "/items/{id}"), ("GET", "/items/special"), ("POST", "/items"));

        Assert.Equal("/items/special", api.MatchOperation("GET", "/items/special").Operation?.Template.Text);
        Assert.Equal("/items/{id}", api.MatchOperation("HEAD", "/items/7").Operation?.Template.Text);
        Assert.False(api.MatchOperation("DELETE", "/items/7").Matched);
        Assert.True(api.MatchOperation("DELETE", "/items/7").PathMatched);
        Assert.False(api.MatchOperation("GET", "/nothing").PathMatched);
    }

    [Theory]
    [InlineData("/records/42.json", "/records/{id}.{format}")]
    [InlineData("/records/42.JSON", "/records/{id}.{format}")]
    [InlineData("/v1/job-1:cancel", "/v1/{name}:cancel")]
    [InlineData("/v1/job-1", "/v1/{name}")]
    [InlineData("/v1/job-1:CANCEL/", "/v1/{name}:cancel")]
    public void MatchOperation_ComplexSegment_MatchesOnlyPathsItsLiteralsFit(string path, string expected)
    {
        var api = Api("a", "/a", ("GET", "/records/{id}.{format}"), ("POST", "/v1/{name}:cancel"), ("GET", "/v1/{name}"));

        var match = api.MatchOperation(expected.EndsWith(":cancel", StringComparison.Ordinal) ? "POST" : "GET", path);

        Assert.Equal(expected, match.Operation?.Template.Text);
    }

    [Fact]
    public void MatchOperation_ComplexSegmentWithoutItsLiteral_NoOperation()
    {
        var api = Api("a", "/a", ("POST", "/v1/{name}:cancel"), ("GET", "/records/{id}.{format}"));

        Assert.False(api.MatchOperation("POST", "/v1/job-1").PathMatched);
        Assert.False(api.MatchOperation("GET", "/records/42").PathMatched);
        Assert.False(api.MatchOperation("GET", "/records/.json").PathMatched);
    }

    [Theory]
    [InlineData("/files/latest.json", "/files/latest.json")]
    [InlineData("/files/report.json", "/files/{name}.json")]
    [InlineData("/files/report.csv", "/files/{name}")]
    public void MatchOperation_LiteralBeatsComplexBeatsParameter_WhateverTheOrder(string path, string expected)
    {
        var api = Api("a", "/a", ("GET", "/files/{name}"), ("GET", "/files/{name}.json"), ("GET", "/files/latest.json"));

        Assert.Equal(expected, api.MatchOperation("GET", path).Operation?.Template.Text);
    }

    [Fact]
    public void MatchOperation_NoOperations_EverythingPasses()
    {
        Assert.True(Api("a", "/a").MatchOperation("PATCH", "/anything/at/all").Matched);
    }
}
