using EdgeGateway.Contracts.Snapshot;

namespace EdgeGateway.Contracts.Tests.Snapshot;

public sealed class UrlTemplateTests
{
    [Theory]
    [InlineData("/items/{id}", "items/42", true)]
    [InlineData("/items/{id}", "ITEMS/42", true)]
    [InlineData("/items/{id}", "items", false)]
    [InlineData("/items/{id}", "items/42/more", false)]
    [InlineData("/files/*", "files/a/b/c", true)]
    [InlineData("/files/*", "files", true)]
    [InlineData("/", "", true)]
    [InlineData("/items?x={x}", "items", true)]
    public void Matches_Path_AsApimDoes(string template, string path, bool expected)
    {
        Assert.True(UrlTemplate.TryParse(template, out var parsed, out var error), error);

        Assert.Equal(expected, parsed!.Matches(path.Split('/', StringSplitOptions.RemoveEmptyEntries)));
    }

    [Theory]
    [InlineData("items", "must start with '/'")]
    [InlineData("/a//b", "empty segments")]
    [InlineData("/a/{id", "whole segment")]
    [InlineData("/a/x{id}", "whole segment")]
    [InlineData("/a/{id}/{id}", "appears twice")]
    [InlineData("/a/*/b", "last segment")]
    [InlineData("/a/{i d}", "parameter names")]
    public void TryParse_BadTemplate_SaysWhy(string template, string reason)
    {
        Assert.False(UrlTemplate.TryParse(template, out _, out var error));
        Assert.Contains(reason, error, StringComparison.Ordinal);
    }

    [Fact]
    public void Specificity_LiteralBeatsParameter()
    {
        UrlTemplate.TryParse("/items/special", out var literal, out _);
        UrlTemplate.TryParse("/items/{id}", out var parameter, out _);

        Assert.True(literal!.Specificity > parameter!.Specificity);
        Assert.Equal(UrlTemplate.TryParse("/items/{other}", out var same, out _) ? same!.ShapeKey : "", parameter.ShapeKey);
    }
}
