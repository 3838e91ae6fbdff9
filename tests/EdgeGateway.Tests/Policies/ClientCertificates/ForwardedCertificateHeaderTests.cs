using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using EdgeGateway.Policies.ClientCertificates;
using Microsoft.Extensions.Primitives;

namespace EdgeGateway.Tests.Policies.ClientCertificates;

/// <summary>The forwarded-certificate header's shapes: Envoy's X-Forwarded-Client-Cert, a bare URL-encoded PEM, base64 DER, and what is refused.</summary>
public sealed class ForwardedCertificateHeaderTests : IDisposable
{
    private readonly X509Certificate2 first = SelfSigned("CN=first, O=\"Contoso, Inc.\"");
    private readonly X509Certificate2 second = SelfSigned("CN=second");

    internal static X509Certificate2 SelfSigned(string subject)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        return new CertificateRequest(subject, key, HashAlgorithmName.SHA256).CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
    }

    /// <summary>One element as Envoy writes it: the PEM URL-encoded and quoted, a quoted subject with ',' ';' '=' and an escaped quote.</summary>
    internal static string Element(X509Certificate2 certificate, string subject = "CN=a\\\"b, O=c;d=e") =>
        $"By=spiffe://ingress;Hash={certificate.GetCertHashString(HashAlgorithmName.SHA256)};Cert=\"{Uri.EscapeDataString(certificate.ExportCertificatePem())}\";"
        + $"Subject=\"{subject}\";URI=;DNS=a.example;DNS=b.example";

    private static byte[]? Parse(params string[] lines) => ForwardedCertificateHeader.Parse(new StringValues(lines), out _);

    [Fact]
    public void Xfcc_SeveralElements_TheLastElementsCertificate()
    {
        var der = Parse($"{Element(first)},{Element(second)}");

        Assert.Equal(second.RawData, der);
    }

    [Fact]
    public void Xfcc_QuotedCommaInTheLastElement_NotAnElementBoundary()
    {
        // The first element's quoted subject holds a comma; the last element's Cert comes after a subject with ',' too.
        var der = Parse($"{Element(second, "CN=x, O=y")},Subject=\"CN=z, O=w\";Cert=\"{Uri.EscapeDataString(first.ExportCertificatePem())}\"");

        Assert.Equal(first.RawData, der);
    }

    [Fact]
    public void Xfcc_UnquotedCertAndLowerCaseKey_Read()
    {
        var der = Parse($"hash=00;cert={Uri.EscapeDataString(first.ExportCertificatePem())}");

        Assert.Equal(first.RawData, der);
    }

    [Fact]
    public void Xfcc_SeveralHeaderLines_OneList_LastLinesLastElement()
    {
        var der = Parse(Element(second), Element(first));

        Assert.Equal(first.RawData, der);
    }

    [Fact]
    public void BarePem_UrlEncoded_AsNginxAndAwsSendIt()
    {
        // A certificate whose base64 holds a '+' (almost any: a few tries at most), the character a form decoder would turn into a space.
        using var certificate = Enumerable.Range(0, 50).Select(i => SelfSigned($"CN=plus{i}")).First(c => c.ExportCertificatePem().Contains('+', StringComparison.Ordinal));
        var nginx = Uri.EscapeDataString(certificate.ExportCertificatePem());
        // AWS ALB leaves '+', '=' and '/' unescaped.
        var aws = nginx.Replace("%2B", "+", StringComparison.Ordinal).Replace("%3D", "=", StringComparison.Ordinal).Replace("%2F", "/", StringComparison.Ordinal);

        Assert.Equal(certificate.RawData, Parse(nginx));
        Assert.Equal(certificate.RawData, Parse(aws));
        Assert.Equal(certificate.RawData, Parse(certificate.ExportCertificatePem()));
    }

    [Fact]
    public void BareBase64Der_AsAppServiceSendsIt()
    {
        Assert.Equal(first.RawData, Parse(Convert.ToBase64String(first.RawData)));
    }

    [Theory]
    [InlineData("garbage", "an element holds a part that is not Key=Value")]
    [InlineData("Hash=abc;Subject=\"CN=x\"", "the last element has no Cert")]
    [InlineData("Hash=abc;Cert=\"not a pem\"", "the certificate is not a PEM CERTIFICATE")]
    [InlineData("Hash=abc;Cert=\"%2D%2D%2D", "a quoted value is not closed")]
    [InlineData("-----BEGIN%20PRIVATE%20KEY-----%0AAAAA%0A-----END%20PRIVATE%20KEY-----%0A", "the certificate is not a PEM CERTIFICATE")]
    [InlineData("MII!!!!", "the certificate's base64 does not decode")]
    [InlineData("  ", "the header is empty")]
    public void Garbage_NoCertificate_WithTheReason(string value, string reason)
    {
        Assert.Null(ForwardedCertificateHeader.Parse(new StringValues(value), out var problem));
        Assert.Equal(reason, problem);
    }

    [Fact]
    public void Xfcc_CertOnlyInAnEarlierElement_NotTaken()
    {
        // The nearest proxy's element says nothing of a certificate: an earlier hop's is not the client's.
        Assert.Null(Parse($"{Element(first)},Hash=00;Subject=\"CN=proxy\""));
    }

    [Fact]
    public void Oversized_RefusedUnread()
    {
        var value = Element(first) + ";Chain=\"" + new string('A', ForwardedCertificateHeader.MaxLength) + "\"";

        Assert.Null(ForwardedCertificateHeader.Parse(new StringValues(value), out var problem));
        Assert.Equal($"the header is longer than {ForwardedCertificateHeader.MaxLength} characters", problem);
    }

    [Fact]
    public void BarePem_InSeveralHeaderLines_Refused()
    {
        var pem = Uri.EscapeDataString(first.ExportCertificatePem());

        Assert.Null(ForwardedCertificateHeader.Parse(new StringValues([pem, pem]), out var problem));
        Assert.Equal("a bare certificate came in several header lines", problem);
    }

    public void Dispose()
    {
        first.Dispose();
        second.Dispose();
    }
}
