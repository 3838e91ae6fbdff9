using System.Net.Http.Headers;
using ManagementPlane.Tests.Infrastructure;

namespace ManagementPlane.Tests.Import;

public sealed class OpenApiImportTests : IAsyncLifetime
{
    private TestPlane plane = null!;

    public async Task InitializeAsync() => plane = await TestPlane.StartAsync();

    public async Task DisposeAsync() => await plane.DisposeAsync();

    [Theory]
    [InlineData("2.0/json/petstore.json")]
    [InlineData("2.0/yaml/petstore.yaml")]
    [InlineData("2.0/yaml/petstore-expanded.yaml")]
    [InlineData("3.0/json/petstore.json")]
    [InlineData("3.0/yaml/petstore.yaml")]
    [InlineData("3.0/yaml/uspto.yaml")]
    [InlineData("3.0/yaml/star-trek.yaml")]
    [InlineData("3.1/json/petstore.json")]
    [InlineData("3.1/yaml/train-travel.yaml")]
    public async Task Import_RealSpec_CreatesOneOperationPerPathAndMethod(string file)
    {
        var expected = OasExamples.Operations(file);
        var content = new ByteArrayContent(await File.ReadAllBytesAsync(OasExamples.PathOf(file)));
        content.Headers.ContentType = new MediaTypeHeaderValue(file.EndsWith(".json", StringComparison.Ordinal) ? "application/json" : "application/yaml");
        var response = await plane.Client.PostAsync("/apis/import?id=imported&path=/imported&backendUrl=http://127.0.0.1:9", content);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, body);

        var api = await plane.GetJsonAsync("/apis/imported");
        var operations = api["operations"]!.AsArray();
        var actual = new SortedSet<string>(operations.Select(o => $"{o!["method"]} {o["urlTemplate"]}"), StringComparer.Ordinal);
        Assert.Equal(expected, actual);
        Assert.All(operations, o => Assert.Matches("^[A-Za-z0-9][A-Za-z0-9._-]{0,79}$", o!["id"]!.GetValue<string>()));
        Assert.Equal(operations.Count, operations.Select(o => o!["id"]!.GetValue<string>().ToLowerInvariant()).Distinct().Count());
    }

    [Fact]
    public async Task Import_Petstore_UsesOperationIdsAndDocumentServer()
    {
        var content = new ByteArrayContent(await File.ReadAllBytesAsync(OasExamples.PathOf("3.0/json/petstore.json")));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        var response = await plane.Client.PostAsync("/apis/import?id=petstore", content);
        Assert.Equal(201, (int)response.StatusCode);
        var api = await plane.GetJsonAsync("/apis/petstore");
        Assert.Equal("/petstore", api["path"]!.GetValue<string>());
        Assert.StartsWith("http", api["backend"]!["urls"]![0]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains(api["operations"]!.AsArray(), o => o!["id"]!.GetValue<string>() == "findPetsByStatus");
    }

    [Fact]
    public async Task Import_NotOpenApi_Is400Problem()
    {
        var content = new StringContent("just: [a, yaml, list", System.Text.Encoding.UTF8, "application/yaml");
        await Problem.AssertAsync(await plane.Client.PostAsync("/apis/import?id=x&backendUrl=http://127.0.0.1:9", content), 400);
        var missingId = new StringContent("{}", System.Text.Encoding.UTF8, "application/json");
        await Problem.AssertAsync(await plane.Client.PostAsync("/apis/import", missingId), 400);
        await Problem.AssertAsync(await plane.Client.GetAsync("/apis/x"), 404);
    }
}
