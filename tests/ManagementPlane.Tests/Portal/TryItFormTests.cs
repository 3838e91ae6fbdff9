using System.Text;
using EdgeGateway.Contracts.Snapshot;
using ManagementPlane.Portal;
using ManagementPlane.Portal.Web;

namespace ManagementPlane.Tests.Portal;

/// <summary>The try-it form as a signed-in consumer sees it (the session itself is helper C's; here the keys are given).</summary>
public sealed class TryItFormTests
{
    private static readonly ApiDefinition Api = new()
    {
        Id = "orders",
        Path = "orders/",
        SubscriptionKeyParameterNames = new SubscriptionKeyParameterNames { Header = "X-Api-Key" },
    };

    [Fact]
    public void AppendTryIt_WithKeys_OffersThemInASelectLabelledSubscriptionKey()
    {
        var html = Render(new OperationDefinition { Id = "op", Method = "PUT", UrlTemplate = "/orders/{id}/lines/{line}" },
            [("Mine <b>1</b> (Starter)", "key\"one"), ("Second (Gold)", "key-two")]);

        Assert.Contains("<label for=\"try-it-key\">Subscription key</label><select id=\"try-it-key\" name=\"key\">", html);
        Assert.Contains("<option value=\"key&quot;one\">Mine &lt;b&gt;1&lt;/b&gt; (Starter)</option>", html);
        Assert.Contains("<option value=\"key-two\">Second (Gold)</option>", html);
        Assert.Contains("data-base=\"https://gw.example.test/orders\"", html);
        Assert.Contains("data-key-header=\"X-Api-Key\"", html);
        Assert.Contains("<label for=\"try-it-path-id\">id</label>", html);
        Assert.Contains("<label for=\"try-it-path-line\">line</label>", html);
        Assert.Contains("<label for=\"try-it-body-input\">Request body</label>", html);
    }

    [Fact]
    public void AppendTryIt_AnyMethodAndWildcardPath_AsksForMethodAndRest()
    {
        var html = Render(new OperationDefinition { Id = "op", Method = "*", UrlTemplate = "/files/*" }, []);

        Assert.Contains("<label for=\"try-it-method\">Method</label>", html);
        Assert.Contains("<label for=\"try-it-rest\">Rest of the path</label>", html);
        Assert.Contains("<input id=\"try-it-key\" name=\"key\" type=\"password\"", html);
    }

    [Fact]
    public void AppendTryIt_SeveralParametersInOneSegment_AsksForEach()
    {
        var html = Render(new OperationDefinition { Id = "op", Method = "GET", UrlTemplate = "/records/{id}.{format}" }, []);

        Assert.Contains("data-template=\"/records/{id}.{format}\"", html);
        Assert.Contains("<label for=\"try-it-path-id\">id</label>", html);
        Assert.Contains("<label for=\"try-it-path-format\">format</label>", html);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("ftp://gw.example.test")]
    [InlineData("javascript:alert(1)")]
    [InlineData("gw.example.test")]
    public void AppendTryIt_WithoutAnHttpGatewayUrl_SaysItIsNotConfigured(string? gatewayUrl)
    {
        var body = new StringBuilder();
        OperationPage.AppendTryIt(body, new PortalSettings { GatewayUrl = gatewayUrl }, Api, new OperationDefinition { Id = "op", Method = "GET", UrlTemplate = "/" }, [], signedIn: false);

        Assert.Contains("Try it is not configured", body.ToString());
        Assert.DoesNotContain("<form", body.ToString());
    }

    private static string Render(OperationDefinition operation, IReadOnlyList<(string Label, string Key)> keys)
    {
        var body = new StringBuilder();
        OperationPage.AppendTryIt(body, new PortalSettings { GatewayUrl = "https://gw.example.test/" }, Api, operation, keys, signedIn: true);
        return body.ToString();
    }
}
