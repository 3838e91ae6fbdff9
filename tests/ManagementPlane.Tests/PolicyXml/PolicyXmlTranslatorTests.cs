using System.Text.Json;
using EdgeGateway.Contracts.Policies;
using EdgeGateway.Contracts.Snapshot;
using ManagementPlane.PolicyXml;

namespace ManagementPlane.Tests.PolicyXml;

public sealed class PolicyXmlTranslatorTests
{
    private const long Limit = 1024 * 1024;

    /// <summary>Each policy type as APIM documents it (section, XML), and the JSON it imports to.</summary>
    public static TheoryData<string, string, string> Documented => new()
    {
        { "inbound", "<base />", """[{"type":"base"}]""" },
        { "inbound", """<set-header name="X-Caller" exists-action="override"><value>@(context.Subscription.Id)</value></set-header>""",
            """[{"type":"set-header","name":"X-Caller","existsAction":"override","value":"@(context.Subscription.Id)"}]""" },
        { "outbound", """<set-header name="X-Tags" exists-action="append"><value>a</value><value>b</value></set-header>""",
            """[{"type":"set-header","name":"X-Tags","existsAction":"append","values":["a","b"]}]""" },
        { "outbound", """<set-header name="Server" exists-action="delete" />""", """[{"type":"set-header","name":"Server","existsAction":"delete"}]""" },
        { "inbound", """<set-query-parameter name="api-version" exists-action="skip"><value>2024-01-01</value></set-query-parameter>""",
            """[{"type":"set-query-parameter","name":"api-version","existsAction":"skip","value":"2024-01-01"}]""" },
        { "inbound", """<rate-limit calls="10" renewal-period="60" remaining-calls-header-name="X-Remaining" />""",
            """[{"type":"rate-limit","calls":10,"renewalPeriod":60,"remainingCallsHeaderName":"X-Remaining"}]""" },
        { "inbound", """<rate-limit-by-key calls="5" renewal-period="30" counter-key="@(context.Subscription.Id)" increment-condition="@(context.Response.StatusCode == 200)" />""",
            """[{"type":"rate-limit-by-key","calls":5,"renewalPeriod":30,"counterKey":"@(context.Subscription.Id)","incrementCondition":"@(context.Response.StatusCode == 200)"}]""" },
        { "inbound", """<quota calls="1000" bandwidth="4000" renewal-period="3600" />""",
            """[{"type":"quota","calls":1000,"bandwidth":4000,"renewalPeriod":3600}]""" },
        { "inbound", """<quota-by-key calls="100" renewal-period="86400" counter-key="@(context.Request.IpAddress)" first-period-start="2024-01-01T00:00:00Z" />""",
            """[{"type":"quota-by-key","calls":100,"renewalPeriod":86400,"counterKey":"@(context.Request.IpAddress)","firstPeriodStart":"2024-01-01T00:00:00Z"}]""" },
        { "inbound", """<limit-concurrency key="@(context.Subscription.Id)" max-count="3" />""",
            """[{"type":"limit-concurrency","key":"@(context.Subscription.Id)","maxCount":3}]""" },
        { "inbound", """<ip-filter action="allow"><address>10.0.0.1</address><address-range from="10.1.0.1" to="10.1.0.9" /></ip-filter>""",
            """[{"type":"ip-filter","action":"allow","addresses":["10.0.0.1"],"addressRanges":[{"from":"10.1.0.1","to":"10.1.0.9"}]}]""" },
        { "inbound", """<check-header name="X-Tenant" failed-check-httpcode="401" failed-check-error-message="Not allowed" ignore-case="true"><value>a</value><value>b</value></check-header>""",
            """[{"type":"check-header","name":"X-Tenant","failedCheckHttpCode":401,"failedCheckErrorMessage":"Not allowed","ignoreCase":true,"values":["a","b"]}]""" },
        { "inbound", """
            <validate-jwt header-name="Authorization" failed-validation-httpcode="401" failed-validation-error-message="Unauthorized" require-scheme="Bearer" clock-skew="30" output-token-variable-name="jwt">
                <openid-config url="https://login.example.com/.well-known/openid-configuration" />
                <audiences><audience>api://orders</audience></audiences>
                <issuers><issuer>https://login.example.com/</issuer></issuers>
                <required-claims>
                    <claim name="scp" match="any" separator=" "><value>orders.read</value><value>orders.admin</value></claim>
                </required-claims>
            </validate-jwt>
            """,
            """
            [{"type":"validate-jwt","headerName":"Authorization","failedValidationHttpCode":401,"failedValidationErrorMessage":"Unauthorized","requireScheme":"Bearer",
              "clockSkew":30,"outputTokenVariableName":"jwt","openidConfig":{"url":"https://login.example.com/.well-known/openid-configuration"},
              "audiences":["api://orders"],"issuers":["https://login.example.com/"],
              "requiredClaims":[{"name":"scp","match":"any","separator":" ","values":["orders.read","orders.admin"]}]}]
            """ },
        { "inbound", """
            <validate-jwt header-name="X-Jwt">
                <issuer-signing-keys><key kty="oct" k="{{jwt-key}}" kid="k1" /></issuer-signing-keys>
            </validate-jwt>
            """,
            """[{"type":"validate-jwt","headerName":"X-Jwt","issuerSigningKeys":[{"kty":"oct","k":"{{jwt-key}}","kid":"k1"}]}]""" },
        { "inbound", """
            <cors allow-credentials="true" terminate-unmatched-request="false">
                <allowed-origins><origin>https://app.example.com</origin></allowed-origins>
                <allowed-methods preflight-result-max-age="300"><method>GET</method><method>POST</method></allowed-methods>
                <allowed-headers><header>Content-Type</header></allowed-headers>
                <expose-headers><header>X-Request-Id</header></expose-headers>
            </cors>
            """,
            """
            [{"type":"cors","allowCredentials":true,"terminateUnmatchedRequest":false,"allowedOrigins":["https://app.example.com"],"preflightResultMaxAge":300,
              "allowedMethods":["GET","POST"],"allowedHeaders":["Content-Type"],"exposeHeaders":["X-Request-Id"]}]
            """ },
        { "inbound", """<rewrite-uri template="/v2/items/{id}" copy-unmatched-params="false" />""",
            """[{"type":"rewrite-uri","template":"/v2/items/{id}","copyUnmatchedParams":false}]""" },
        { "inbound", """<set-backend-service base-url="https://backend.example.com/api" />""",
            """[{"type":"set-backend-service","baseUrl":"https://backend.example.com/api"}]""" },
        { "inbound", "<set-method>POST</set-method>", """[{"type":"set-method","method":"POST"}]""" },
        { "outbound", """<set-status code="404" reason="Not Found" />""", """[{"type":"set-status","code":404,"reason":"Not Found"}]""" },
        { "inbound", """
            <return-response>
                <set-status code="503" reason="Down" />
                <set-header name="Retry-After"><value>120</value></set-header>
                <set-body>{"message":"down"}</set-body>
            </return-response>
            """,
            """[{"type":"return-response","statusCode":503,"reason":"Down","headers":[{"name":"Retry-After","value":"120"}],"body":"{\"message\":\"down\"}"}]""" },
        { "inbound", """<mock-response status-code="200" content-type="application/json" />""",
            """[{"type":"mock-response","statusCode":200,"contentType":"application/json"}]""" },
        { "inbound", """
            <cache-lookup vary-by-developer="false" vary-by-developer-groups="false" downstream-caching-type="none" must-revalidate="true">
                <vary-by-header>Accept</vary-by-header>
                <vary-by-query-parameter>page</vary-by-query-parameter>
            </cache-lookup>
            """,
            """
            [{"type":"cache-lookup","varyByDeveloper":false,"varyByDeveloperGroups":false,"downstreamCachingType":"none","mustRevalidate":true,
              "varyByHeaders":["Accept"],"varyByQueryParameters":["page"]}]
            """ },
        { "outbound", """<cache-store duration="60" />""", """[{"type":"cache-store","duration":60}]""" },
        { "inbound", """<set-variable name="tier" value="@(context.Subscription.Id)" />""",
            """[{"type":"set-variable","name":"tier","value":"@(context.Subscription.Id)"}]""" },
        { "outbound", """<find-and-replace from="internal.example" to="api.example.com" />""",
            """[{"type":"find-and-replace","from":"internal.example","to":"api.example.com"}]""" },
        { "backend", """<forward-request timeout="30" buffer-request-body="true" />""",
            """[{"type":"forward-request","timeout":30,"bufferRequestBody":true}]""" },
        { "inbound", """
            <choose>
                <when condition="@(context.Request.Method == &quot;GET&quot;)">
                    <set-header name="X-Read" exists-action="override"><value>1</value></set-header>
                </when>
                <otherwise>
                    <mock-response status-code="404" />
                </otherwise>
            </choose>
            """,
            """
            [{"type":"choose","when":[{"condition":"@(context.Request.Method == \"GET\")","policies":[{"type":"set-header","name":"X-Read","existsAction":"override","value":"1"}]}],
              "otherwise":[{"type":"mock-response","statusCode":404}]}]
            """ },
        { "outbound", """<set-body>{"status":"ok"}</set-body>""", """[{"type":"set-body","value":"{\"status\":\"ok\"}"}]""" },
        { "backend", """
            <retry condition="@(context.Response.StatusCode == 503)" count="3" interval="1" max-interval="10" delta="1" first-fast-retry="true">
                <forward-request timeout="10" />
            </retry>
            """,
            """
            [{"type":"retry","condition":"@(context.Response.StatusCode == 503)","count":3,"interval":1,"maxInterval":10,"delta":1,"firstFastRetry":true},
             {"type":"forward-request","timeout":10}]
            """ },
        { "inbound", """<authentication-managed-identity resource="https://storage.azure.com/" client-id="1b2c" output-token-variable-name="token" ignore-error="false" />""",
            """[{"type":"authentication-managed-identity","resource":"https://storage.azure.com/","clientId":"1b2c","outputTokenVariableName":"token","ignoreError":false}]""" },
        { "inbound", """
            <validate-azure-ad-token tenant-id="contoso.onmicrosoft.com" header-name="Authorization" failed-validation-httpcode="401" failed-validation-error-message="Unauthorized" output-token-variable-name="jwt">
                <client-application-ids><application-id>11111111-1111-1111-1111-111111111111</application-id></client-application-ids>
                <backend-application-ids><application-id>22222222-2222-2222-2222-222222222222</application-id></backend-application-ids>
                <audiences><audience>api://orders</audience></audiences>
                <required-claims><claim name="roles" match="any"><value>Orders.Read</value><value>Orders.Write</value></claim></required-claims>
            </validate-azure-ad-token>
            """,
            """
            [{"type":"validate-azure-ad-token","tenantId":"contoso.onmicrosoft.com","headerName":"Authorization","failedValidationHttpCode":401,
              "failedValidationErrorMessage":"Unauthorized","outputTokenVariableName":"jwt","clientApplicationIds":["11111111-1111-1111-1111-111111111111"],
              "backendApplicationIds":["22222222-2222-2222-2222-222222222222"],"audiences":["api://orders"],
              "requiredClaims":[{"name":"roles","match":"any","values":["Orders.Read","Orders.Write"]}]}]
            """ },
        { "inbound", """<authentication-certificate certificate-id="billing-client" />""",
            """[{"type":"authentication-certificate","certificateId":"billing-client"}]""" },
        { "inbound", """
            <validate-client-certificate validate-revocation="false" validate-trust="true" validate-not-before="true" validate-not-after="true" ignore-error="false">
                <identities>
                    <identity thumbprint="9A1C3F0E5B7D2A4C6E8F0A1B2C3D4E5F60718293" />
                    <identity subject="CN=billing" issuer-subject="CN=Contoso Partner CA" serial-number="0A1B" dns-name="billing.example.com" />
                </identities>
            </validate-client-certificate>
            """,
            """
            [{"type":"validate-client-certificate","validateRevocation":false,"validateTrust":true,"validateNotBefore":true,"validateNotAfter":true,"ignoreError":false,
              "identities":[{"thumbprint":"9A1C3F0E5B7D2A4C6E8F0A1B2C3D4E5F60718293"},
                {"subject":"CN=billing","issuerSubject":"CN=Contoso Partner CA","serialNumber":"0A1B","dnsName":"billing.example.com"}]}]
            """ },
        { "inbound", """
            <send-request mode="new" response-variable-name="tokenResponse" timeout="20" ignore-error="false">
                <set-url>https://login.example.com/oauth2/token</set-url>
                <set-method>POST</set-method>
                <set-header name="Content-Type" exists-action="override"><value>application/x-www-form-urlencoded</value></set-header>
                <set-body>grant_type=client_credentials</set-body>
                <authentication-basic username="reports" password="{{reports-secret}}" />
            </send-request>
            """,
            """
            [{"type":"send-request","mode":"new","responseVariableName":"tokenResponse","timeout":20,"ignoreError":false,"policies":[
              {"type":"set-url","url":"https://login.example.com/oauth2/token"},{"type":"set-method","method":"POST"},
              {"type":"set-header","name":"Content-Type","existsAction":"override","value":"application/x-www-form-urlencoded"},
              {"type":"set-body","value":"grant_type=client_credentials"},{"type":"authentication-basic","username":"reports","password":"{{reports-secret}}"}]}]
            """ },
        { "outbound", """<send-one-way-request mode="new"><set-url>https://audit.example.com/events</set-url><set-method>POST</set-method></send-one-way-request>""",
            """[{"type":"send-one-way-request","mode":"new","policies":[{"type":"set-url","url":"https://audit.example.com/events"},{"type":"set-method","method":"POST"}]}]""" },
        { "inbound", """<cache-lookup-value key="token" variable-name="token" default-value="none" caching-type="internal" />""",
            """[{"type":"cache-lookup-value","key":"token","variableName":"token","defaultValue":"none","cachingType":"internal"}]""" },
        { "inbound", """<cache-store-value key="token" value="@(context.Subscription.Id)" duration="300" caching-type="internal" />""",
            """[{"type":"cache-store-value","key":"token","value":"@(context.Subscription.Id)","duration":300,"cachingType":"internal"}]""" },
        { "inbound", """<cache-remove-value key="token" />""", """[{"type":"cache-remove-value","key":"token"}]""" },
        { "inbound", """<authentication-basic username="svc" password="{{backend-password}}" />""",
            """[{"type":"authentication-basic","username":"svc","password":"{{backend-password}}"}]""" },
        { "inbound", """<include-fragment fragment-id="common-headers" />""", """[{"type":"include-fragment","fragmentId":"common-headers"}]""" },
    };

    [Theory]
    [MemberData(nameof(Documented))]
    public void ReadPolicies_ApimDocumentedForm_ImportsToExpectedJson(string section, string xml, string expected)
    {
        var result = PolicyXmlReader.ReadPolicies(Document(section, xml), raw: false, Limit);

        Assert.Empty(result.Errors);
        AssertJson(expected, Section(result.Value!, section));
    }

    [Theory]
    [MemberData(nameof(Documented))]
    public void RoundTrip_XmlToJsonToXml_IsStable(string section, string xml, string expected)
    {
        _ = expected;
        foreach (var raw in new[] { false, true })
        {
            var first = PolicyXmlReader.ReadPolicies(Document(section, xml), raw: false, Limit).Value!;
            var written = PolicyXmlWriter.WritePolicies(first, raw);
            var second = PolicyXmlReader.ReadPolicies(written, raw, Limit);

            Assert.Empty(second.Errors);
            AssertJson(Json(first), Json(second.Value!));
            Assert.Equal(written, PolicyXmlWriter.WritePolicies(second.Value!, raw));
        }
    }

    [Fact]
    public void Documented_CoversEveryPolicyTypeOfTheCatalog()
    {
        var written = string.Join("\n", Documented.Select(row => (string)row[1]));

        var uncovered = PolicyCatalog.KnownTypes.Where(t => !written.Contains($"<{t} ", StringComparison.Ordinal) && !written.Contains($"<{t}>", StringComparison.Ordinal)).ToList();

        Assert.Empty(uncovered);
    }

    [Fact]
    public void Map_EveryListOrObjectAttributeOfTheCatalog_HasAnXmlForm()
    {
        var missing = PolicyCatalog.KnownTypes
            .SelectMany(type => PolicyCatalog.AttributesOf(type)!
                .Where(a => a.Kind is not (AttrKind.String or AttrKind.Integer or AttrKind.Boolean))
                .Where(a => PolicyXmlMap.For(type).ChildForAttr(a.Name) is null)
                .Select(a => $"{type}.{a.Name}"))
            .ToList();

        Assert.Empty(missing);
    }

    [Fact]
    public void WritePolicies_AllSections_InApimOrderWithBase()
    {
        var set = new PolicySet
        {
            Inbound = [new PolicyDefinition { Type = "base" }],
            Backend = [new PolicyDefinition { Type = "base" }],
            Outbound = [],
            OnError = [new PolicyDefinition { Type = "base" }],
        };

        var xml = PolicyXmlWriter.WritePolicies(set, raw: false);

        Assert.Equal("""
            <policies>
                <inbound>
                    <base />
                </inbound>
                <backend>
                    <base />
                </backend>
                <outbound />
                <on-error>
                    <base />
                </on-error>
            </policies>

            """.ReplaceLineEndings("\n"), xml);
    }

    [Fact]
    public void ReadPolicies_RawXml_TakesExpressionsUnescaped()
    {
        const string xml = """
            <policies>
                <inbound>
                    <set-header name="X-Mode" exists-action="override"><value>@(context.Request.Headers.GetValueOrDefault("X-Mode", "a") + "&")</value></set-header>
                    <choose><when condition="@(context.Request.Method != "GET" && context.Request.Method != "HEAD")"><set-status code="400" /></when></choose>
                </inbound>
            </policies>
            """;

        var result = PolicyXmlReader.ReadPolicies(xml, raw: true, Limit);

        Assert.Empty(result.Errors);
        var inbound = Section(result.Value!, "inbound");
        Assert.Equal("@(context.Request.Headers.GetValueOrDefault(\"X-Mode\", \"a\") + \"&\")", inbound[0].GetProperty("value").GetString());
        Assert.Equal("@(context.Request.Method != \"GET\" && context.Request.Method != \"HEAD\")", inbound[1].GetProperty("when")[0].GetProperty("condition").GetString());
        // Written back raw, the expressions stand as they were sent; as xml, they are escaped.
        var rawOut = PolicyXmlWriter.WritePolicies(result.Value!, raw: true);
        Assert.Contains("<value>@(context.Request.Headers.GetValueOrDefault(\"X-Mode\", \"a\") + \"&\")</value>", rawOut, StringComparison.Ordinal);
        var escaped = PolicyXmlWriter.WritePolicies(result.Value!, raw: false);
        Assert.Contains("condition=\"@(context.Request.Method != &quot;GET&quot; &amp;&amp; context", escaped, StringComparison.Ordinal);
        Assert.Contains("+ \"&amp;\")</value>", escaped, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadPolicies_UnknownElement_RefusedWithLineAndColumn()
    {
        const string xml = "<policies>\n  <inbound>\n    <base />\n    <set-backend-service backend-id=\"pool\" />\n    <xsl-transform />\n  </inbound>\n</policies>";

        var result = PolicyXmlReader.ReadPolicies(xml, raw: false, Limit);

        Assert.Null(result.Value);
        Assert.Collection(result.Errors,
            e => Assert.Equal((4, 26, "inbound[1].backendId"), (e.Line, e.Column, e.Path)),
            e => Assert.Equal((5, 6, "inbound[2]"), (e.Line, e.Column, e.Path)));
        Assert.Contains("<xsl-transform> is not a policy", result.Errors[1].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadPolicies_ExpressionOutsideSubset_RefusedWithLineAndColumn()
    {
        const string xml = "<policies>\n  <inbound>\n    <set-header name=\"X\"><value>@(System.IO.File.ReadAllText(\"/etc/passwd\"))</value></set-header>\n  </inbound>\n</policies>";

        var result = PolicyXmlReader.ReadPolicies(xml, raw: false, Limit);

        var error = Assert.Single(result.Errors);
        Assert.Equal((3, 27, "inbound[0].values"), (error.Line, error.Column, error.Path));
        Assert.Null(result.Value);
    }

    [Fact]
    public void ReadPolicies_ConditionReadsResponseInInbound_Refused()
    {
        const string xml = "<policies><inbound><choose><when condition=\"@(context.Response.StatusCode == 200)\"><base /></when></choose></inbound></policies>";

        var result = PolicyXmlReader.ReadPolicies(xml, raw: false, Limit);

        Assert.Contains(result.Errors, e => e.Path == "inbound[0].when[0].condition" && e.Line == 1 && e.Column == 34);
    }

    [Fact]
    public void ReadPolicies_RawXml_ColumnsCountTheTextAsSent()
    {
        const string xml = "<policies><inbound><set-variable name=\"a\" value=\"@(\"x\" + \"y\")\" /><nope /></inbound></policies>";

        var result = PolicyXmlReader.ReadPolicies(xml, raw: true, Limit);

        var error = Assert.Single(result.Errors);
        Assert.Equal((1, xml.IndexOf("<nope", StringComparison.Ordinal) + 2), (error.Line, error.Column));
    }

    [Theory]
    [InlineData("<policies><inbound></policies>", 1, 22)]
    [InlineData("<policies><inbound><base /></inbound>", 1, 38)]
    [InlineData("not xml", 1, 1)]
    public void ReadPolicies_MalformedXml_RefusedWithLocation(string xml, int line, int column)
    {
        var result = PolicyXmlReader.ReadPolicies(xml, raw: false, Limit);

        var error = Assert.Single(result.Errors);
        Assert.Equal((line, column), (error.Line, error.Column));
        Assert.StartsWith("not well-formed XML", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadPolicies_EntityExpansionBomb_RefusedAsDtd()
    {
        const string xml = """
            <?xml version="1.0"?>
            <!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;"><!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
            <policies><inbound><set-body>&lol3;</set-body></inbound></policies>
            """;

        var result = PolicyXmlReader.ReadPolicies(xml, raw: false, Limit);

        var error = Assert.Single(result.Errors);
        Assert.Equal(2, error.Line);
        Assert.Contains("DTD", error.Message, StringComparison.Ordinal);
        Assert.Null(result.Value);
    }

    [Fact]
    public void ReadPolicies_ExternalEntity_RefusedAsDtd()
    {
        const string xml = "<!DOCTYPE p [<!ENTITY x SYSTEM \"file:///etc/passwd\">]><policies><inbound><set-body>&x;</set-body></inbound></policies>";

        var error = Assert.Single(PolicyXmlReader.ReadPolicies(xml, raw: false, Limit).Errors);

        Assert.Contains("DTD", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadPolicies_OversizedDocument_RefusedWhereTheLimitIsReached()
    {
        var xml = "<policies><inbound>\n" + string.Concat(Enumerable.Repeat("<base />\n", 200)) + "</inbound></policies>";

        var result = PolicyXmlReader.ReadPolicies(xml, raw: false, maxCharacters: 500);

        var error = Assert.Single(result.Errors);
        Assert.Contains("longer than 500 characters", error.Message, StringComparison.Ordinal);
        Assert.True(error.Line > 1);
    }

    [Fact]
    public void ReadPolicies_EveryUntranslatablePlace_Listed()
    {
        const string xml = """
            <policies>
                <inbound>
                    <rate-limit calls="ten" renewal-period="60" />
                    <quota calls="10" renewal-period="60"><api name="orders" calls="5" /></quota>
                    <validate-jwt><issuer-signing-keys><key>abc</key></issuer-signing-keys></validate-jwt>
                </inbound>
                <outbound><log-to-eventhub logger-id="x" /></outbound>
                <extra />
            </policies>
            """;

        var result = PolicyXmlReader.ReadPolicies(xml, raw: false, Limit);

        Assert.Equal([3, 4, 5, 7, 8], result.Errors.Select(e => e.Line));
        Assert.Null(result.Value);
    }

    [Fact]
    public void ReadFragment_Policies_WithoutSections()
    {
        var result = PolicyXmlReader.ReadFragment("""<fragment><set-header name="X-Env" exists-action="override"><value>prod</value></set-header></fragment>""", raw: false, Limit);

        Assert.Empty(result.Errors);
        var policy = Assert.Single(result.Value!);
        Assert.Equal("set-header", policy.Type);
        Assert.Equal(
            "<fragment>\n    <set-header name=\"X-Env\" exists-action=\"override\">\n        <value>prod</value>\n    </set-header>\n</fragment>\n",
            PolicyXmlWriter.WriteFragment(result.Value!, raw: false));
    }

    [Fact]
    public void ReadFragment_WrongRoot_Refused()
    {
        var error = Assert.Single(PolicyXmlReader.ReadFragment("<policies />", raw: false, Limit).Errors);

        Assert.Equal((1, 2), (error.Line, error.Column));
    }

    private static string Document(string section, string xml) =>
        $"<policies>\n<{section}>\n{xml}\n</{section}>\n</policies>";

    private static List<JsonElement> Section(PolicySet set, string section) =>
        [.. (section switch
        {
            "inbound" => set.Inbound,
            "backend" => set.Backend,
            "outbound" => set.Outbound,
            _ => set.OnError,
        })!.Select(p => JsonValues.Element(p))];

    private static string Json(PolicySet set) =>
        string.Join("|", new[] { set.Inbound, set.Backend, set.Outbound, set.OnError }
            .Select(list => list is null ? "null" : JsonValues.Element(list.Cast<object>().ToList()).GetRawText()));

    private static void AssertJson(string expected, List<JsonElement> actual)
    {
        using var document = JsonDocument.Parse(expected);
        var actualElement = JsonValues.Element(actual.Cast<object>().ToList());
        Assert.True(JsonElement.DeepEquals(document.RootElement, actualElement), $"expected {expected}\nactual {actualElement.GetRawText()}");
    }

    private static void AssertJson(string expected, string actual) => Assert.Equal(expected, actual);
}
