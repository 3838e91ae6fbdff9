using System.Net.Http.Headers;
using ManagementPlane.Tests.Infrastructure;

namespace ManagementPlane.Tests.Hosting;

public sealed class AdminAuthTests : IAsyncLifetime
{
    private TestPlane plane = null!;

    public async Task InitializeAsync() => plane = await TestPlane.StartAsync();

    public async Task DisposeAsync() => await plane.DisposeAsync();

    [Theory]
    [InlineData("GET", "/apis")]
    [InlineData("GET", "/gateways")]
    [InlineData("PUT", "/apis/echo")]
    [InlineData("DELETE", "/products/p1")]
    [InlineData("GET", "/config")]
    [InlineData("PUT", "/config")]
    [InlineData("POST", "/subscriptions/s1/list-secrets")]
    [InlineData("POST", "/gateways/gw1/token")]
    [InlineData("GET", "/gateways/gw1/status")]
    public async Task ManagementCall_WithoutKey_Is401Problem(string method, string path)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), path) { Content = method is "PUT" or "POST" ? TestPlane.Json("{}") : null };
        var response = await plane.Anonymous.SendAsync(request);
        var problem = await Problem.AssertAsync(response, 401);
        Assert.Contains("Bearer", problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains("Bearer", response.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Bearer wrong-key-wrong-key-wrong")]
    [InlineData("Bearer " + TestPlane.AdminKey + "x")]
    [InlineData("Basic dGVzdDp0ZXN0")]
    [InlineData("Bearer ")]
    public async Task ManagementCall_WrongKey_Is401Problem(string authorization)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/apis");
        request.Headers.TryAddWithoutValidation("Authorization", authorization);
        var problem = await Problem.AssertAsync(await plane.Anonymous.SendAsync(request), 401);
        Assert.DoesNotContain(TestPlane.AdminKey, problem.ToJsonString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ManagementCall_AdminKey_Succeeds()
    {
        var response = await plane.Client.GetAsync("/apis");
        Assert.Equal(200, (int)response.StatusCode);
    }

    [Fact]
    public async Task SigningKeyAndOpenApi_Anonymous_ArePublic()
    {
        var key = await plane.Anonymous.GetAsync("/signing-key");
        Assert.Equal(200, (int)key.StatusCode);
        Assert.Equal("text/plain", key.Content.Headers.ContentType?.MediaType);
        Assert.StartsWith("-----BEGIN PUBLIC KEY-----", await key.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(200, (int)(await plane.Anonymous.GetAsync("/openapi/v1.json")).StatusCode);
    }

    [Fact]
    public async Task UnknownRoute_Any_Is404Problem()
    {
        plane.Anonymous.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", TestPlane.AdminKey);
        await Problem.AssertAsync(await plane.Anonymous.GetAsync("/no-such-thing"), 404);
    }
}
