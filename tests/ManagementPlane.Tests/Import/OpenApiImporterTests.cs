using System.Text;
using ManagementPlane.Import;

namespace ManagementPlane.Tests.Import;

public sealed class OpenApiImporterTests
{
    [Theory]
    [InlineData("findPetsByStatus", "findPetsByStatus")]
    [InlineData("get/pets/{petId}", "get-pets-petId")]
    [InlineData("  Pets: list all  ", "Pets-list-all")]
    [InlineData("__x__", "x")]
    [InlineData("ünïcode", "n-code")]
    public void MakeId_Text_ValidId(string text, string expected) => Assert.Equal(expected, OpenApiImporter.MakeId(text));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("---")]
    public void MakeId_Unusable_Null(string? text) => Assert.Null(OpenApiImporter.MakeId(text));

    [Fact]
    public void MakeId_LongText_CutTo80() => Assert.Equal(80, OpenApiImporter.MakeId(new string('a', 200))!.Length);

    [Fact]
    public void Parse_DuplicateOperationIdsAndShapes_UniqueIdsAndSkips()
    {
        const string yaml = """
            openapi: 3.0.0
            info: { title: Dupes, version: "1" }
            servers: [ { url: "https://backend.example.com/v1/" } ]
            paths:
              /items/{id}:
                get: { operationId: same, responses: { "200": { description: ok } } }
                delete: { operationId: same, responses: { "200": { description: ok } } }
              /items/{other}:
                get: { responses: { "200": { description: ok } } }
            """;
        var parsed = OpenApiImporter.Parse(Encoding.UTF8.GetBytes(yaml));
        Assert.Empty(parsed.Errors);
        Assert.Equal("Dupes", parsed.Title);
        Assert.Equal("https://backend.example.com/v1", parsed.BackendUrl);
        Assert.Equal(["same", "same-2"], parsed.Operations!.Select(o => o.Id));
        var skipped = Assert.Single(parsed.Skipped);
        Assert.Equal("/items/{other}", skipped.Path);
    }

    [Fact]
    public void Parse_SeveralParametersOrLiteralsInOneSegment_Imported()
    {
        const string yaml = """
            openapi: 3.0.0
            info: { title: Complex, version: "1" }
            paths:
              /records/{id}.{format}:
                get: { operationId: getRecord, responses: { "200": { description: ok } } }
              /v1/{name}:cancel:
                post: { operationId: cancelJob, responses: { "200": { description: ok } } }
              /files/v{major}.{minor}/{name}-{lang}.txt:
                get: { responses: { "200": { description: ok } } }
            """;

        var parsed = OpenApiImporter.Parse(Encoding.UTF8.GetBytes(yaml));

        Assert.Empty(parsed.Errors);
        Assert.Empty(parsed.Skipped);
        Assert.Equal(["GET /records/{id}.{format}", "POST /v1/{name}:cancel", "GET /files/v{major}.{minor}/{name}-{lang}.txt"],
            parsed.Operations!.Select(o => $"{o.Method} {o.UrlTemplate}"));
        Assert.Equal(["getRecord", "cancelJob"], parsed.Operations!.Take(2).Select(o => o.Id));
    }

    [Fact]
    public void Parse_AdjacentParametersOrTheSameComplexShape_SkippedAndReported()
    {
        const string yaml = """
            openapi: 3.0.0
            info: { title: Complex, version: "1" }
            paths:
              /records/{id}.{format}:
                get: { responses: { "200": { description: ok } } }
              /records/{rid}.{fmt}:
                get: { responses: { "200": { description: ok } } }
              /pairs/{x}{y}:
                get: { responses: { "200": { description: ok } } }
            """;

        var parsed = OpenApiImporter.Parse(Encoding.UTF8.GetBytes(yaml));

        Assert.Equal("/records/{id}.{format}", Assert.Single(parsed.Operations!).UrlTemplate);
        Assert.Collection(parsed.Skipped,
            s => Assert.Equal(("/records/{rid}.{fmt}", "matches the same requests as an earlier operation"), (s.Path, s.Reason)),
            s => Assert.Equal(("/pairs/{x}{y}", "segment '{x}{y}': parameters '{x}' and '{y}' need literal text between them, like '{x}.{y}'"), (s.Path, s.Reason)));
    }
}
