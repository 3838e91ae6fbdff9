using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Alba;
using Microsoft.Extensions.DependencyInjection;

namespace ManagementPlane.Tests.Infrastructure;

/// <summary>An in-process management plane (Alba) on its own temp disk store, with an admin client.</summary>
internal sealed class TestPlane : IAsyncDisposable
{
    public const string AdminKey = "test-admin-key-0123456789";

    private readonly bool ownsDirectory;

    private TestPlane(IAlbaHost host, string storePath, bool ownsDirectory)
    {
        Host = host;
        StorePath = storePath;
        this.ownsDirectory = ownsDirectory;
        Client = host.Server.CreateClient();
        Client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", AdminKey);
        Anonymous = host.Server.CreateClient();
    }

    public IAlbaHost Host { get; }

    public string StorePath { get; }

    /// <summary>Sends the admin key.</summary>
    public HttpClient Client { get; }

    public HttpClient Anonymous { get; }

    public static async Task<TestPlane> StartAsync(string? storePath = null, Dictionary<string, string>? settings = null, Action<IServiceCollection>? services = null)
    {
        var owns = storePath is null;
        storePath ??= Directory.CreateTempSubdirectory("mp-tests-").FullName;
        var host = await AlbaHost.For<Program>(builder =>
        {
            builder.UseSetting("Management:AdminKeys:0", AdminKey);
            builder.UseSetting("Management:Store:Disk:Path", storePath);
            builder.UseSetting("Management:StatePollInterval", "00:00:00.1");
            builder.UseSetting("Management:SigningKey", TestKeys.SigningKeyPem);
            builder.UseSetting("Management:EncryptionKey", TestKeys.EncryptionKey);
            foreach (var (key, value) in settings ?? [])
            {
                builder.UseSetting(key, value);
            }

            if (services is not null)
            {
                builder.ConfigureServices(services);
            }
        });
        return new TestPlane(host, storePath, owns);
    }

    public static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    public Task<HttpResponseMessage> PutAsync(string path, string json, string? ifMatch = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Put, path) { Content = Json(json) };
        if (ifMatch is not null)
        {
            request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        }

        return Client.SendAsync(request);
    }

    public async Task<JsonNode> PutOkAsync(string path, string json)
    {
        var response = await PutAsync(path, json);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"PUT {path}: {(int)response.StatusCode} {body}");
        return JsonNode.Parse(body)!;
    }

    public async Task<JsonNode> GetJsonAsync(string path)
    {
        var response = await Client.GetAsync(path);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"GET {path}: {(int)response.StatusCode} {body}");
        return JsonNode.Parse(body)!;
    }

    public async Task<JsonNode> PostJsonAsync(string path, string json)
    {
        var response = await Client.PostAsync(path, Json(json));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"POST {path}: {(int)response.StatusCode} {body}");
        return body.Length == 0 ? new JsonObject() : JsonNode.Parse(body)!;
    }

    /// <summary>An API "echo" at /echo, gateway "gw1" serving it; returns a token for gw1.</summary>
    public async Task<string> SeedGatewayAsync(string gatewayId = "gw1", string apiId = "echo")
    {
        await PutOkAsync($"/apis/{apiId}", $$$"""{"path":"/{{{apiId}}}","backend":{"urls":["http://127.0.0.1:9"]}}""");
        await PutOkAsync($"/gateways/{gatewayId}", $$"""{"apis":["{{apiId}}"]}""");
        return await TokenAsync(gatewayId);
    }

    public async Task<string> TokenAsync(string gatewayId, string keyType = "primary", TimeSpan? lifetime = null)
    {
        var expiry = DateTimeOffset.UtcNow + (lifetime ?? TimeSpan.FromDays(1));
        var token = await PostJsonAsync($"/gateways/{gatewayId}/token", $$"""{"keyType":"{{keyType}}","expiry":"{{expiry:O}}"}""");
        return token["value"]!.GetValue<string>();
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        Anonymous.Dispose();
        await Host.DisposeAsync();
        if (ownsDirectory)
        {
            try
            {
                Directory.Delete(StorePath, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }
}

internal static class Problem
{
    /// <summary>Asserts an RFC 9457 problem answer with the status, and returns its body.</summary>
    public static async Task<JsonNode> AssertAsync(HttpResponseMessage response, int status)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True((int)response.StatusCode == status, $"expected {status}, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var node = JsonNode.Parse(body)!;
        Assert.Equal(status, node["status"]!.GetValue<int>());
        Assert.False(string.IsNullOrEmpty(node["title"]?.GetValue<string>()));
        return node;
    }

    public static IEnumerable<string> ErrorPaths(JsonNode problem) =>
        problem["errors"]?.AsArray().Select(e => e!["path"]!.GetValue<string>()) ?? [];
}

internal static class JsonText
{
    public static string Canonical(JsonNode? node) => node?.ToJsonString(new JsonSerializerOptions { WriteIndented = false }) ?? "null";
}
