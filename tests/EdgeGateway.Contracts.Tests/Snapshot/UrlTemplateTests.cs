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
    [InlineData("/records/{id}.{format}", "records/42.json", true)]
    [InlineData("/records/{id}.{format}", "RECORDS/42.json", true)]
    [InlineData("/records/{id}.{format}", "records/42", false)]
    [InlineData("/records/{id}.{format}", "records/.json", false)]
    [InlineData("/records/{id}.{format}", "records/42.", false)]
    [InlineData("/v1/{name}:cancel", "v1/job-1:cancel", true)]
    [InlineData("/v1/{name}:cancel", "v1/job-1:CANCEL", true)]
    [InlineData("/v1/{name}:cancel", "v1/job-1", false)]
    [InlineData("/v1/{name}:cancel", "v1/:cancel", false)]
    [InlineData("/v1/{name}:cancel", "v1/job-1:cancel/x", false)]
    [InlineData("/files/v{major}.{minor}", "files/v1.2", true)]
    [InlineData("/files/v{major}.{minor}", "files/x1.2", false)]
    [InlineData("/files/{name}.{ext}/*", "files/a.b/c/d", true)]
    public void Matches_Path_AsApimDoes(string template, string path, bool expected)
    {
        Assert.True(UrlTemplate.TryParse(template, out var parsed, out var error), error);

        Assert.Equal(expected, parsed!.Matches(path.Split('/', StringSplitOptions.RemoveEmptyEntries)));
    }

    [Theory]
    [InlineData("items", "must start with '/'")]
    [InlineData("/a//b", "empty segments")]
    [InlineData("/a/{id", "segment '{id': a '{' without its '}'")]
    [InlineData("/a/x{id", "segment 'x{id': a '{' without its '}'")]
    [InlineData("/a/id}", "segment 'id}': a '}' without its '{'")]
    [InlineData("/a/{x}{y}", "segment '{x}{y}': parameters '{x}' and '{y}' need literal text between them, like '{x}.{y}'")]
    [InlineData("/a/v{x}{y}.json", "parameters '{x}' and '{y}' need literal text between them")]
    [InlineData("/a/{id}/{id}", "appears twice")]
    [InlineData("/a/{id}/{ID}.json", "parameter 'ID' appears twice")]
    [InlineData("/a/{name}.{name}", "parameter 'name' appears twice")]
    [InlineData("/a/{}.json", "parameter names")]
    [InlineData("/a/{x}.j son", "characters not allowed in a path")]
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

    [Theory]
    [InlineData("/records/{id}.{format}", "records/42.json", "id=42 format=json")]
    [InlineData("/files/{name}.{ext}", "files/a.b.c", "name=a.b ext=c")]
    [InlineData("/v1/{name}:cancel", "v1/a:b:cancel", "name=a:b")]
    [InlineData("/d/{a}-{b}-{c}", "d/1-2-3-4", "a=1-2 b=3 c=4")]
    [InlineData("/d/v{major}.{minor}", "d/vv1.2.3", "major=v1.2 minor=3")]
    [InlineData("/d/{x}.JSON", "d/a.json", "x=a")]
    public void TryGetParameter_ComplexSegment_RightmostParameterTakesTheShortestText(string template, string path, string expected)
    {
        Assert.True(UrlTemplate.TryParse(template, out var parsed, out var error), error);
        var segments = path.Split('/');
        Assert.True(parsed!.Matches(segments));

        var segment = parsed.Segments[^1];
        var values = segment.Parts!.Where(p => p.IsParameter).Select(p =>
            segment.TryGetParameter(p.Text, segments[^1], out var range) ? $"{p.Text}={segments[^1][range]}" : $"{p.Text} unbound");
        Assert.Equal(expected, string.Join(' ', values));
        Assert.Equal(parsed.Segments.Count - 1, parsed.SegmentOf(segment.Parts!.First(p => p.IsParameter).Text));
    }

    [Fact]
    public void Specificity_ComplexSegmentBetweenLiteralAndParameter()
    {
        int Of(string text) => UrlTemplate.TryParse(text, out var t, out var e) ? t!.Specificity : throw new InvalidOperationException(e);

        Assert.True(Of("/records/latest.json") > Of("/records/{id}.json"));
        Assert.True(Of("/records/{id}.json") > Of("/records/{id}"));
        Assert.True(Of("/records/{id}.{format}") > Of("/records/{id}"));
        Assert.True(Of("/records/{id}.{format}") > Of("/records/*"));
    }

    [Theory]
    [InlineData("/r/{a}.{b}", "/r/{x}.{y}", true)]
    [InlineData("/R/{a}:CANCEL", "/r/{id}:cancel", true)]
    [InlineData("/r/{a}.{b}", "/r/{a}-{b}", false)]
    [InlineData("/r/{a}.json", "/r/{a}", false)]
    [InlineData("/r/{a}.json", "/r/a.json", false)]
    public void ShapeKey_ComplexSegments_EqualOnlyWhenTheyMatchTheSamePaths(string one, string other, bool same)
    {
        UrlTemplate.TryParse(one, out var a, out _);
        UrlTemplate.TryParse(other, out var b, out _);

        Assert.Equal(same, a!.ShapeKey == b!.ShapeKey);
    }
}
