using System.Text;
using EdgeGateway.Contracts.Snapshot;
using ManagementPlane.Import;

namespace ManagementPlane.Tests.Import;

/// <summary>The importer keeps each operation's first example per status code and media type, for mock-response.</summary>
public sealed class ExampleImportTests
{
    private static OperationDefinition Operation(string document, string id)
    {
        var parsed = OpenApiImporter.Parse(Encoding.UTF8.GetBytes(document));
        Assert.Empty(parsed.Errors);
        return parsed.Operations!.Single(o => o.Id == id);
    }

    [Fact]
    public void Parse_OpenApi3Examples_FirstPerStatusAndMediaTypeKept()
    {
        const string yaml = """
            openapi: 3.0.3
            info: { title: Pets, version: "1" }
            paths:
              /pets/{id}:
                get:
                  operationId: getPet
                  responses:
                    "200":
                      description: ok
                      content:
                        application/json:
                          example: { id: 7, name: Rex }
                        text/plain:
                          examples:
                            first: { value: "Rex the dog" }
                            second: { value: "not kept" }
                    "404":
                      description: missing
                      content:
                        application/json:
                          examples:
                            gone: { value: { error: "no such pet" } }
                    default:
                      description: error
                      content:
                        application/json:
                          example: { error: "default is no status" }
                    "500":
                      description: no example
                      content:
                        application/json:
                          schema: { type: object }
              /plain:
                get:
                  operationId: plain
                  responses: { "204": { description: none } }
            """;

        var examples = Operation(yaml, "getPet").Examples!;

        Assert.Equal(
            [(200, "application/json", """{"id":7,"name":"Rex"}"""), (200, "text/plain", "Rex the dog"), (404, "application/json", """{"error":"no such pet"}""")],
            examples.Select(e => (e.StatusCode!.Value, e.ContentType!, e.Body!)));
        Assert.Null(Operation(yaml, "plain").Examples);
    }

    [Fact]
    public void Parse_Swagger2ResponseExamples_Kept()
    {
        const string json = """
            { "swagger": "2.0", "info": { "title": "Old", "version": "1" }, "produces": ["application/json"],
              "paths": { "/items": { "get": { "operationId": "listItems",
                "responses": { "200": { "description": "ok", "examples": { "application/json": [ { "id": 1 } ] } } } } } } }
            """;

        var example = Assert.Single(Operation(json, "listItems").Examples!);

        Assert.Equal((200, "application/json", """[{"id":1}]"""), (example.StatusCode!.Value, example.ContentType!, example.Body!));
    }
}
