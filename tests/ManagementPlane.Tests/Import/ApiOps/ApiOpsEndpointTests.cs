using System.IO.Compression;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using ManagementPlane.Tests.Infrastructure;

namespace ManagementPlane.Tests.Import.ApiOps;

public sealed class ApiOpsEndpointTests : IAsyncLifetime
{
    private const string SuppliedValues = """{ "partner-secret": "s3cret-from-key-vault" }""";

    private TestPlane plane = null!;

    public async Task InitializeAsync() => plane = await TestPlane.StartAsync(settings: new() { ["Management:MaxImportBytes"] = "65536" });

    public async Task DisposeAsync() => await plane.DisposeAsync();

    private static Dictionary<string, string?> WithValues(Dictionary<string, string?>? changes = null)
    {
        var all = new Dictionary<string, string?>(changes ?? []) { [".edgegateway/named-values.json"] = SuppliedValues };
        return all;
    }

    private async Task<(int Status, JsonNode Body)> PostAsync(byte[] zip, bool dryRun = false)
    {
        var content = new ByteArrayContent(zip);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/zip");
        var response = await plane.Client.PostAsync("/import/apiops" + (dryRun ? "?dryRun=true" : ""), content);
        return ((int)response.StatusCode, JsonNode.Parse(await response.Content.ReadAsStringAsync())!);
    }

    private static string Outcome(JsonNode report, string kind, string name) =>
        report["artifacts"]!.AsArray().Single(a => a!["kind"]!.GetValue<string>() == kind && a["name"]!.GetValue<string>() == name)!["outcome"]!.GetValue<string>();

    [Fact]
    public async Task Post_Sample_AppliedWholeAsOneRevision()
    {
        var (status, report) = await PostAsync(ApiOpsSample.Zip(WithValues()));

        Assert.True(status == 200, report.ToJsonString());
        Assert.True(report["applied"]!.GetValue<bool>());
        Assert.Empty(report["errors"]!.AsArray());
        var config = await plane.GetJsonAsync("/config");
        Assert.Equal(["orders", "inventory"], config["apis"]!.AsArray().Select(a => a!["id"]!.GetValue<string>()).Order().Reverse());
        Assert.Equal(["starter", "unlimited"], config["products"]!.AsArray().Select(a => a!["id"]!.GetValue<string>()));
        Assert.Contains(config["namedValues"]!.AsArray(), n => n!["id"]!.GetValue<string>() == "partner-secret" && n["secret"]!.GetValue<bool>());
        Assert.Equal(["orders", "inventory"], config["gateways"]!.AsArray().Single()!["apis"]!.AsArray().Select(a => a!.GetValue<string>()));
        Assert.Equal("set-header", config["policies"]!["inbound"]![0]!["type"]!.GetValue<string>());
        var fragment = await plane.GetJsonAsync("/policy-fragments/add-imported-by");
        Assert.Equal("set-header", fragment["policies"]![0]!["type"]!.GetValue<string>());
    }

    [Fact]
    public async Task Post_TwiceAndBesideOtherApis_AddsAndReplacesKeepingTheRest()
    {
        await plane.PutOkAsync("/apis/kept", """{"path":"/kept","backend":{"urls":["http://127.0.0.1:9"]}}""");
        Assert.Equal(200, (await PostAsync(ApiOpsSample.Zip(WithValues()))).Status);

        var (status, report) = await PostAsync(ApiOpsSample.Zip(WithValues(new() { ["apis/orders/apiInformation.json"] = """{ "properties": { "displayName": "Orders v2", "path": "orders", "serviceUrl": "http://127.0.0.1:9/orders", "isCurrent": true } }""" })));

        Assert.True(status == 200, report.ToJsonString());
        var apis = (await plane.GetJsonAsync("/config"))["apis"]!.AsArray();
        Assert.Equal(["inventory", "kept", "orders"], apis.Select(a => a!["id"]!.GetValue<string>()).Order());
        Assert.Equal("Orders v2", apis.Single(a => a!["id"]!.GetValue<string>() == "orders")!["name"]!.GetValue<string>());
    }

    [Fact]
    public async Task Post_SameFolderAgain_PlanEmptyAndNoNewRevision()
    {
        var (_, first) = await PostAsync(ApiOpsSample.Zip(WithValues()));
        Assert.Equal(["inventory", "orders"], first["changes"]!["apis"]!["added"]!.AsArray().Select(a => a!.GetValue<string>()));
        Assert.Equal(["add-imported-by"], first["changes"]!["policyFragments"]!["added"]!.AsArray().Select(a => a!.GetValue<string>()));

        var (status, again) = await PostAsync(ApiOpsSample.Zip(WithValues()));

        Assert.True(status == 200, again.ToJsonString());
        Assert.Equal(first["revision"]!.GetValue<long>(), again["revision"]!.GetValue<long>());
        foreach (var kind in new[] { "apis", "products", "namedValues", "policyFragments", "gateways" })
        {
            Assert.Empty(again["changes"]![kind]!["added"]!.AsArray());
            Assert.Empty(again["changes"]![kind]!["updated"]!.AsArray());
        }

        Assert.False(again["changes"]!["globalPolicyChanged"]!.GetValue<bool>());
    }

    [Fact]
    public async Task Post_DryRun_ReportsAndStoresNothing()
    {
        var before = (await plane.GetJsonAsync("/config")).ToJsonString();

        var (status, report) = await PostAsync(ApiOpsSample.Zip(WithValues()), dryRun: true);

        Assert.Equal(200, status);
        Assert.True(report["dryRun"]!.GetValue<bool>());
        Assert.False(report["applied"]!.GetValue<bool>());
        Assert.Equal("changed", Outcome(report, "namedValue", "partner-secret"));
        Assert.Equal(["inventory", "orders"], report["changes"]!["apis"]!["added"]!.AsArray().Select(a => a!.GetValue<string>()));
        Assert.Equal(before, (await plane.GetJsonAsync("/config")).ToJsonString());
    }

    [Fact]
    public async Task Post_KeyVaultValueMissing_422ReportAndNothingApplied()
    {
        var (status, report) = await PostAsync(ApiOpsSample.Zip());

        Assert.Equal(422, status);
        Assert.False(report["applied"]!.GetValue<bool>());
        Assert.Equal("refused", Outcome(report, "namedValue", "partner-secret"));
        Assert.Equal("imported", Outcome(report, "api", "orders"));
        Assert.Empty((await plane.GetJsonAsync("/config"))["apis"]!.AsArray());
    }

    [Fact]
    public async Task Post_PolicyValidAloneButNotWhereItLands_422WithTheConfigurationError()
    {
        // forward-request belongs in backend; in inbound the state's validation refuses it.
        var (status, report) = await PostAsync(ApiOpsSample.Zip(WithValues(new() { ["policy.xml"] = "<policies><inbound><forward-request /></inbound></policies>" })));

        Assert.Equal(422, status);
        Assert.NotEmpty(report["errors"]!.AsArray());
        Assert.Empty((await plane.GetJsonAsync("/config"))["apis"]!.AsArray());
    }

    [Fact]
    public async Task Post_ZipOfTheFolderItself_ReadAsItsContent()
    {
        var (status, report) = await PostAsync(ApiOpsSample.Zip(WithValues(), prefix: "artifacts/"));

        Assert.True(status == 200, report.ToJsonString());
    }

    [Theory]
    [InlineData("../evil.txt")]
    [InlineData("apis/../../evil.txt")]
    [InlineData("/etc/passwd")]
    [InlineData("C:/evil.txt")]
    public async Task Post_EntryOutsideTheFolder_400(string entry)
    {
        var files = ApiOpsSample.Files();
        files[entry] = Encoding.UTF8.GetBytes("x");

        var (status, problem) = await PostAsync(ApiOpsSample.ZipOf(files));

        Assert.Equal(400, status);
        Assert.Contains("points outside the folder", problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Post_SymbolicLinkEntry_400()
    {
        using var buffer = new MemoryStream();
        using (var archive = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            var link = archive.CreateEntry("apis/orders/policy.xml");
            link.ExternalAttributes = unchecked((int)(0xA1FFu << 16));
            using var stream = link.Open();
            stream.Write("/etc/passwd"u8);
        }

        var (status, problem) = await PostAsync(buffer.ToArray());

        Assert.Equal(400, status);
        Assert.Contains("symbolic link", problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Post_BodyOverMaxImportBytes_413()
    {
        var (status, _) = await PostAsync(new byte[70_000]);

        Assert.Equal(413, status);
    }

    [Fact]
    public async Task Post_ZipExpandingPastTheLimit_413()
    {
        var files = ApiOpsSample.Files();
        files["bomb/zeros.bin"] = new byte[300_000]; // compresses to a few hundred bytes; 4 × 64 KiB is the cap

        var (status, problem) = await PostAsync(ApiOpsSample.ZipOf(files));

        Assert.Equal(413, status);
        Assert.Contains("expands to more than", problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Post_NotAZip_400()
    {
        var (status, problem) = await PostAsync("hello"u8.ToArray());

        Assert.Equal(400, status);
        Assert.Contains("not a readable zip", problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);
    }
}
