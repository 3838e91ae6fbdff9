using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace EdgeGateway.Contracts.Tests.Policies;

/// <summary><c>context.Request.Certificate</c> in the subset: a null test and a few text members; the rest refused with why.</summary>
public sealed class CertificateExpressionTests
{
    private static X509Certificate2 Certificate()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        return new CertificateRequest("CN=billing, O=Partner", key, HashAlgorithmName.SHA256)
            .CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
    }

    private sealed class WithCertificate(X509Certificate2? certificate) : Contracts.Policies.Expressions.IPolicyContext
    {
        private readonly FakePolicyContext inner = new();

        public X509Certificate2? ClientCertificate => certificate;

        public string? SubscriptionId => inner.SubscriptionId;

        public string? SubscriptionKey => inner.SubscriptionKey;

        public string ClientIp => inner.ClientIp;

        public string Method => inner.Method;

        public string Path => inner.Path;

        public string? ApiId => inner.ApiId;

        public string? ApiName => inner.ApiName;

        public string? OperationId => inner.OperationId;

        public string? ProductId => inner.ProductId;

        public string? ProductName => inner.ProductName;

        public string Region => inner.Region;

        public int ResponseStatusCode => inner.ResponseStatusCode;

        public string? LastErrorSource => inner.LastErrorSource;

        public string? LastErrorReason => inner.LastErrorReason;

        public string? LastErrorMessage => inner.LastErrorMessage;

        public string? Header(string name) => inner.Header(name);

        public string? Query(string name) => inner.Query(name);

        public string? ResponseHeader(string name) => inner.ResponseHeader(name);

        public string? Variable(string name) => inner.Variable(name);

        public string? Claim(string variable, string claim) => inner.Claim(variable, claim);
    }

    [Fact]
    public void NullTest_BothWays_FollowsThePresentedCertificate()
    {
        using var certificate = Certificate();
        var missing = Compile.Condition("@(context.Request.Certificate == null)");
        var present = Compile.Condition("@(null != context.Request.Certificate)");

        Assert.True(missing.Evaluate(new WithCertificate(null)));
        Assert.False(missing.Evaluate(new WithCertificate(certificate)));
        Assert.True(present.Evaluate(new WithCertificate(certificate)));
        Assert.False(present.Evaluate(new FakePolicyContext())); // a context that knows no certificate: none
    }

    [Theory]
    [InlineData("Thumbprint")]
    [InlineData("Subject")]
    [InlineData("SubjectName.Name")]
    [InlineData("Issuer")]
    [InlineData("IssuerName.Name")]
    [InlineData("SerialNumber")]
    public void TextMember_ReadsTheCertificate_EmptyWithoutOne(string member)
    {
        using var certificate = Certificate();
        var value = Compile.Value($"@(context.Request.Certificate.{member})");
        var expected = member switch
        {
            "Thumbprint" => certificate.Thumbprint,
            "Subject" => certificate.Subject,
            "SubjectName.Name" => certificate.SubjectName.Name,
            "Issuer" => certificate.Issuer,
            "IssuerName.Name" => certificate.IssuerName.Name,
            _ => certificate.SerialNumber,
        };

        Assert.Equal(expected, value.Evaluate(new WithCertificate(certificate)));
        Assert.Equal(string.Empty, value.Evaluate(new WithCertificate(null)));
    }

    [Fact]
    public void ConditionalMember_WithCoalesce_Compiles()
    {
        var value = Compile.Value("@(context.Request.Certificate?.Thumbprint ?? \"none\")");

        Assert.Equal("none", value.Evaluate(new WithCertificate(null)));
    }

    [Theory]
    [InlineData("@(context.Request.Certificate.NotAfter)", "is a date")]
    [InlineData("@(context.Request.Certificate.NotBefore)", "validateNotBefore")]
    [InlineData("@(context.Request.Certificate.Verify())", "'Verify()' is not supported")]
    [InlineData("@(context.Request.Certificate.VerifyNoRevocation())", "validate-client-certificate")]
    [InlineData("@(context.Request.Certificate.PublicKey)", "a certificate offers Thumbprint")]
    [InlineData("@(context.Request.Certificate)", "can only be compared with null")]
    [InlineData("@(context.Request.Certificate == \"x\")", "can only be compared with null")]
    [InlineData("@(context.Request.Certificate.GetNameInfo())", "not in the supported subset")]
    public void Unsupported_RefusedWithWhy(string text, string contains)
    {
        Assert.Contains(contains, Compile.Error(text), StringComparison.Ordinal);
    }
}
