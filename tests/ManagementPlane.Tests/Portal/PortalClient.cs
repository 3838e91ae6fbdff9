using System.Net;
using System.Text.RegularExpressions;
using ManagementPlane.Tests.Infrastructure;

namespace ManagementPlane.Tests.Portal;

/// <summary>
/// A browser-like client of an in-process plane's portal: keeps cookies as a browser would (path, expiry),
/// does not follow redirects (tests look at them), and fills the anti-forgery field from the page a form is on.
/// </summary>
internal sealed partial class PortalClient : IDisposable
{
    private readonly HttpClient http;

    public PortalClient(TestPlane plane, string baseAddress = "http://localhost")
    {
        http = new HttpClient(new CookieHandler(Cookies) { InnerHandler = plane.Host.Server.CreateHandler() }) { BaseAddress = new Uri(baseAddress) };
    }

    public CookieContainer Cookies { get; } = new();

    public Task<HttpResponseMessage> GetAsync(string path) => http.GetAsync(path);

    public async Task<string> PageAsync(string path)
    {
        var response = await http.GetAsync(path);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET {path}: {(int)response.StatusCode} {body}");
        return body;
    }

    /// <summary>The anti-forgery value of the first form on <paramref name="page"/>.</summary>
    public static string Token(string page) => AntiforgeryField().Match(page) is { Success: true } match
        ? WebUtility.HtmlDecode(match.Groups[1].Value)
        : throw new Xunit.Sdk.XunitException("no anti-forgery field on the page");

    /// <summary>Posts <paramref name="fields"/> as a form, with the anti-forgery value of the page at <paramref name="formPage"/> unless it is null.</summary>
    public async Task<HttpResponseMessage> PostAsync(string path, Dictionary<string, string> fields, string? formPage)
    {
        var values = new Dictionary<string, string>(fields);
        if (formPage is not null)
        {
            values["__portal_af"] = Token(await PageAsync(formPage));
        }

        return await http.PostAsync(path, new FormUrlEncodedContent(values));
    }

    public async Task<HttpResponseMessage> SignInAsync(string email, string password, string? returnUrl = null)
    {
        var fields = new Dictionary<string, string> { ["email"] = email, ["password"] = password };
        if (returnUrl is not null)
        {
            fields["returnUrl"] = returnUrl;
        }

        return await PostAsync("/portal/signin", fields, "/portal/signin");
    }

    public async Task SignedInAsync(string email, string password)
    {
        var response = await SignInAsync(email, password);
        Assert.True(response.StatusCode == HttpStatusCode.SeeOther, $"sign-in: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    public void Dispose() => http.Dispose();

    [GeneratedRegex("name=\"__portal_af\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryField();

    private sealed class CookieHandler(CookieContainer cookies) : DelegatingHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var header = cookies.GetCookieHeader(request.RequestUri!);
            if (header.Length > 0)
            {
                request.Headers.Add("Cookie", header);
            }

            var response = await base.SendAsync(request, cancellationToken);
            if (response.Headers.TryGetValues("Set-Cookie", out var setCookies))
            {
                foreach (var value in setCookies)
                {
                    cookies.SetCookies(request.RequestUri!, value);
                }
            }

            return response;
        }
    }
}
