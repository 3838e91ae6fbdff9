using EdgeGateway.Contracts.Snapshot;

namespace EdgeGateway.Contracts.Tests.Snapshot;

public sealed class SnapshotReaderTests
{
    [Fact]
    public void Parse_IssueSample_ReadsEveryPart()
    {
        var result = SnapshotReader.Parse(Samples.Utf8(Samples.IssueSample));

        Assert.Empty(result.Errors);
        var s = result.Snapshot!;
        Assert.Equal(1, s.SchemaVersion);
        Assert.Equal(1, s.Revision);
        var api = Assert.Single(s.Apis!);
        Assert.Equal("/echo", api.Path);
        Assert.Equal("http://127.0.0.1:5099", Assert.Single(api.Backend!.Urls!));
        Assert.Equal("/items/{id}", Assert.Single(api.Operations!).UrlTemplate);
        Assert.Equal(["base", "rate-limit-by-key"], api.Policies!.Inbound!.Select(p => p.Type));
        Assert.Equal(5, api.Policies.Inbound![1].Attributes!["calls"].GetInt32());
        Assert.Equal("starter", Assert.Single(s.Products!).Id);
        Assert.Equal("alice-key-1", Assert.Single(s.Subscriptions!).PrimaryKey);
        Assert.True(Assert.Single(s.NamedValues!).Secret);
        Assert.Equal("X-Gateway", s.Policies!.Inbound![0].Attributes!["name"].GetString());
    }

    [Theory]
    [InlineData("""{ "schemaVersion": 1, "apis": [ { "id": "a", "path": "/a", "bakend": {} } ] }""", "apis[0].bakend", "unknown field")]
    [InlineData("""{ "schemaVersion": 1, "revison": 2 }""", "revison", "unknown field")]
    [InlineData("""{ "schemaVersion": "one" }""", "schemaVersion", "expected a whole number")]
    [InlineData("""{ "schemaVersion": 1, "apis": { } }""", "apis", "expected an array")]
    [InlineData("""{ "schemaVersion": 1, "apis": [ { "id": "a", "backend": { "timeout": "soon" } } ] }""", "apis[0].backend.timeout", "duration")]
    [InlineData("""{ "schemaVersion": 1, "apis": [ { "id": "a", "subscriptionRequired": "yes" } ] }""", "apis[0].subscriptionRequired", "true or false")]
    public void Parse_WrongShape_NamesTheJsonPath(string json, string path, string message)
    {
        var result = SnapshotReader.Parse(Samples.Utf8(json));

        Assert.Null(result.Snapshot);
        var error = Assert.Single(result.Errors);
        Assert.Equal(path, error.Path);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{ "schemaVersion": 1, "apis": [ { "id": "a", "path": "/a", "bakend": {} } ] }""", "apis[0].bakend", "did you mean 'backend'?")]
    [InlineData("""{ "schemaVersion": 1, "revison": 2 }""", "revison", "did you mean 'revision'?")]
    [InlineData("""{ "schemaVersion": 1, "apis": [ { "id": "a", "path": "/a", "operations": [ { "id": "o", "method": "GET", "urlTemplete": "/x" } ] } ] }""", "apis[0].operations[0].urlTemplete", "did you mean 'urlTemplate'?")]
    [InlineData("""{ "schemaVersion": 1, "apis": [ { "id": "a", "path": "/a", "backend": { "URLS": [] } } ] }""", "apis[0].backend.URLS", "did you mean 'urls'?")]
    public void Parse_MisspelledField_SuggestsTheNearestKnownField(string json, string path, string message)
    {
        var error = Assert.Single(SnapshotReader.Parse(Samples.Utf8(json)).Errors);

        Assert.Equal(path, error.Path);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_UnknownFieldFarFromAnyKnownOne_SuggestsNothing()
    {
        var error = Assert.Single(SnapshotReader.Parse(Samples.Utf8("""{ "schemaVersion": 1, "colour": "blue" }""")).Errors);

        Assert.Equal("colour", error.Path);
        Assert.DoesNotContain("did you mean", error.Message, StringComparison.Ordinal);
        Assert.Contains("check its spelling", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("{")]
    [InlineData("{ \"schemaVersion\": 1, }")]
    [InlineData("null")]
    [InlineData("[]")]
    [InlineData("{ \"schemaVersion\": 1 } trailing")]
    public void Parse_MalformedJson_ReturnsErrorNotException(string json)
    {
        var result = SnapshotReader.Parse(Samples.Utf8(json));

        Assert.Null(result.Snapshot);
        Assert.NotEmpty(result.Errors);
    }

    [Fact]
    public void Parse_DuplicateProperty_IsRejected()
    {
        var result = SnapshotReader.Parse(Samples.Utf8("""{ "schemaVersion": 1, "revision": 1, "revision": 2 }"""));

        Assert.Null(result.Snapshot);
        Assert.Contains("duplicate", Assert.Single(result.Errors).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_DuplicatePolicyType_IsRejected()
    {
        var result = SnapshotReader.Parse(Samples.Utf8("""{ "schemaVersion": 1, "policies": { "inbound": [ { "type": "base", "type": "cors" } ] } }"""));

        Assert.Null(result.Snapshot);
    }

    [Theory]
    [InlineData("""{ "schemaVersion": 1, "revision": "1" }""", "revision", "expected a whole number")]
    [InlineData("""{ "schemaVersion": 1, "apis": [ { "path": 5 } ] }""", "apis[0].path", "expected a string")]
    [InlineData("""{ "schemaVersion": 1, "namedValues": [ { "id": "x", "secret": null } ] }""", "namedValues[0].secret", "true or false")]
    public void Parse_MistypedField_SaysWhatWasExpected(string json, string path, string message)
    {
        var error = Assert.Single(SnapshotReader.Parse(Samples.Utf8(json)).Errors);

        Assert.Equal(path, error.Path);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Serialize_ThenParse_RoundTrips()
    {
        var first = SnapshotReader.Parse(Samples.Utf8(Samples.IssueSample)).Snapshot!;

        var again = SnapshotReader.Parse(SnapshotReader.Serialize(first)).Snapshot!;

        Assert.Equal(SnapshotReader.Serialize(first), SnapshotReader.Serialize(again));
        Assert.Equal("@(context.Subscription.Id)", again.Apis![0].Policies!.Inbound![1].Attributes!["counterKey"].GetString());
    }
}
