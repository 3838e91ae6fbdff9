using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using EdgeGateway.Policies.ClientCertificates;
using Microsoft.Extensions.Time.Testing;

namespace EdgeGateway.Tests.Policies;

/// <summary>
/// Which client certificates validate-client-certificate's trust accepts (only the operator's bundle when one is set, an
/// intermediate-only bundle included; the clientAuth usage) and how its revocation check behaves under load.
/// </summary>
public sealed class ClientCertificateTrustTests
{
    private static readonly DateTimeOffset Now = DateTimeOffset.UtcNow;

    private static readonly Oid ServerAuthentication = new("1.3.6.1.5.5.7.3.1");

    private static readonly Oid ClientAuthentication = new("1.3.6.1.5.5.7.3.2");

    private static X509Certificate2 Ca(string name, X509Certificate2? issuer = null)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(name, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        if (issuer is null)
        {
            return request.CreateSelfSigned(Now.AddYears(-1), Now.AddYears(1));
        }

        using var issued = request.Create(issuer, Now.AddYears(-1), Now.AddYears(1), [0x11, (byte)name.Length]);
        return issued.CopyWithPrivateKey(key);
    }

    private static X509Certificate2 Client(X509Certificate2 issuer, params Oid[] usages)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=billing, O=Partner", key, HashAlgorithmName.SHA256);
        if (usages.Length > 0)
        {
            request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([.. usages], false));
        }

        return request.Create(issuer, Now.AddDays(-10), Now.AddDays(10), [0x01, (byte)usages.Length]);
    }

    [Fact]
    public void BundleSet_ACertificateOnlyTheSystemStoreTrusts_Refused()
    {
        // A root of the system's store stands for any certificate a public CA issued.
        using var store = new X509Store(StoreName.Root, StoreLocation.LocalMachine);
        store.Open(OpenFlags.ReadOnly);
        var publicRoot = store.Certificates.Cast<X509Certificate2>().First(c => ClientCertificateTrust.SystemOnly.Verdict(c).Trusted);
        using var partnerCa = Ca("CN=Partner CA");

        Assert.False(new ClientCertificateTrust([partnerCa]).Verdict(publicRoot).Trusted);
    }

    [Fact]
    public void ExtendedKeyUsage_ServerOnlyRefused_ClientAuthOrNoneAccepted()
    {
        using var ca = Ca("CN=Partner CA");
        var trust = new ClientCertificateTrust([ca]);

        Assert.False(trust.Verdict(Client(ca, ServerAuthentication)).Trusted);
        Assert.True(trust.Verdict(Client(ca, ServerAuthentication, ClientAuthentication)).Trusted);
        Assert.True(trust.Verdict(Client(ca)).Trusted);
    }

    [Fact]
    public void IntermediateOnlyBundle_ItsCertificatesTrusted_ItsRootsOthersAndForgeriesNot()
    {
        using var root = Ca("CN=Partner Root");
        using var intermediate = Ca("CN=Partner Issuing CA", root);
        using var forged = Ca("CN=Partner Issuing CA");
        using var sibling = Ca("CN=Partner Other CA", root);
        var trust = new ClientCertificateTrust([X509CertificateLoader.LoadCertificate(intermediate.RawData)]);

        var verdict = trust.Verdict(Client(intermediate));

        Assert.True(verdict.Trusted);
        Assert.Equal(intermediate.Thumbprint, verdict.IssuerThumbprint);
        Assert.False(trust.Verdict(Client(forged)).Trusted);
        Assert.False(trust.Verdict(Client(sibling)).Trusted);
        Assert.False(trust.Verdict(Client(intermediate, ServerAuthentication)).Trusted);
    }

    [Fact]
    public async Task Revocation_ConcurrentAsksShareOneCheck_EachWaitsAtMostTheTimeout_LaterAsksGetTheAnswer()
    {
        using var ca = Ca("CN=Partner CA");
        using var client = Client(ca);
        using var release = new ManualResetEventSlim();
        var checks = 0;
        var trust = new ClientCertificateTrust([ca], (_, _) =>
        {
            Interlocked.Increment(ref checks);
            release.Wait(TimeSpan.FromMinutes(1));
            return RevocationState.Revoked;
        });
        var time = new FakeTimeProvider(Now);
        var verdict = trust.Verdict(client);

        var first = trust.RevocationAsync(client, verdict, time).AsTask();
        var second = trust.RevocationAsync(client, verdict, time).AsTask();
        Assert.False(first.IsCompleted);
        time.Advance(ClientCertificateTrust.RevocationTimeout);

        Assert.Equal(RevocationState.Unknown, await first.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal(RevocationState.Unknown, await second.WaitAsync(TimeSpan.FromSeconds(30)));
        release.Set();

        Assert.Equal(RevocationState.Revoked, await trust.RevocationAsync(client, verdict, time).AsTask().WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal(1, Volatile.Read(ref checks));
    }
}
