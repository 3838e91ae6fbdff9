using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using EdgeGateway.EndToEnd.Tests.Infrastructure;

namespace EdgeGateway.EndToEnd.Tests;

/// <summary>
/// The portal's consumer flow against the AOT management plane over plain HTTP, without a browser: sign up with an
/// invitation, sign in, subscribe, see the key; then the plane is killed and started again, and the same session
/// cookie (and a form rendered before the restart) still works: sessions are keyed from Management:EncryptionKey,
/// nothing about them lives in the process.
/// </summary>
public sealed partial class PortalSessionTests
{
    private const string Password = "e2e consumer password";

    [Fact]
    public async Task InvitedConsumer_SubscribesAndSeesTheKey_SessionSurvivesAPlaneRestart()
    {
        using var folder = new ConfigFolder();
        await using var plane = await ManagementPlaneProcess.StartAsync(folder.Path);
        await AdminAsync(plane, HttpMethod.Put, "/apis/echo", """{"path":"/echo","backend":{"urls":["http://127.0.0.1:9"]}}""");
        await AdminAsync(plane, HttpMethod.Put, "/products/gold", """{"name":"Gold plan","apis":["echo"]}""");
        await AdminAsync(plane, HttpMethod.Put, "/portal-settings", """{"title":"E2E portal","signUp":"invitation"}""");
        var invitation = JsonDocument.Parse(await AdminAsync(plane, HttpMethod.Post, "/invitations", "{}")).RootElement.GetProperty("url").GetString()!;

        var cookies = new CookieContainer();
        using var browser = new HttpClient(new HttpClientHandler { CookieContainer = cookies, AllowAutoRedirect = false })
        {
            BaseAddress = new Uri(plane.Url),
            Timeout = TimeSpan.FromSeconds(30),
        };

        var signUpPage = await PageAsync(browser, invitation);
        var token = Regex.Match(invitation, "invitation=([^&]+)").Groups[1].Value;
        var signedUp = await PostAsync(browser, "/portal/signup", signUpPage,
            ("email", "e2e@example.com"), ("displayName", "E2E consumer"), ("password", Password), ("invitation", Uri.UnescapeDataString(token)));
        Assert.Equal("/portal/signin?message=signed-up", signedUp.Headers.Location?.OriginalString);

        var signedIn = await PostAsync(browser, "/portal/signin", await PageAsync(browser, "/portal/signin"), ("email", "e2e@example.com"), ("password", Password));
        Assert.Equal("/portal/subscriptions", signedIn.Headers.Location?.OriginalString);

        var productPage = await PageAsync(browser, "/portal/products/gold");
        Assert.Contains(">Subscribe</button>", productPage);
        await PostAsync(browser, "/portal/products/gold/subscribe", productPage, ("name", "e2e app"));
        var subscriptions = await PageAsync(browser, "/portal/subscriptions");
        var key = KeyCode().Match(subscriptions).Groups[1].Value;
        Assert.True(key.Length >= 32, subscriptions);
        var session = cookies.GetCookies(new Uri(plane.Url + "/portal"))["portal_session"]!.Value;

        await plane.RestartAsync();

        // Same cookie, new process: still signed in, same key; a form rendered before the restart still posts.
        Assert.Contains(key, await PageAsync(browser, "/portal/subscriptions"));
        await PostAsync(browser, "/portal/subscriptions/" + SubscriptionId().Match(subscriptions).Groups[1].Value + "/regenerate", subscriptions, ("which", "secondary"));
        Assert.Contains(key, await PageAsync(browser, "/portal/subscriptions"));

        // Never in the log: the password, the key, the invitation token, the session cookie.
        foreach (var secret in new[] { Password, key, Uri.UnescapeDataString(token), session })
        {
            Assert.DoesNotContain(secret, plane.Output);
        }
    }

    private static async Task<string> AdminAsync(ManagementPlaneProcess plane, HttpMethod method, string path, string json)
    {
        using var request = new HttpRequestMessage(method, path) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        using var response = await plane.Admin.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{method} {path}: {(int)response.StatusCode} {body}");
        return body;
    }

    private static async Task<string> PageAsync(HttpClient browser, string path)
    {
        using var response = await browser.GetAsync(path);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET {path}: {(int)response.StatusCode} {body}");
        return body;
    }

    /// <summary>Posts a form with the anti-forgery field of the first form on <paramref name="formPage"/>; expects a 303.</summary>
    private static async Task<HttpResponseMessage> PostAsync(HttpClient browser, string path, string formPage, params (string Name, string Value)[] fields)
    {
        var values = fields.Select(f => new KeyValuePair<string, string>(f.Name, f.Value)).ToList();
        values.Add(new("__portal_af", WebUtility.HtmlDecode(AntiforgeryField().Match(formPage).Groups[1].Value)));
        var response = await browser.PostAsync(path, new FormUrlEncodedContent(values));
        Assert.True(response.StatusCode == HttpStatusCode.SeeOther, $"POST {path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return response;
    }

    [GeneratedRegex("name=\"__portal_af\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryField();

    [GeneratedRegex("<code class=\"key\" data-key=\"primary\">([^<]+)</code>")]
    private static partial Regex KeyCode();

    [GeneratedRegex("data-subscription-id=\"([^\"]+)\"")]
    private static partial Regex SubscriptionId();
}
