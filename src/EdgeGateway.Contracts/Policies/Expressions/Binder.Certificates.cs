namespace EdgeGateway.Contracts.Policies.Expressions;

/// <summary>
/// <c>context.Request.Certificate</c>: the subset has no certificate type, so the certificate itself is only compared with
/// null, and its members that are text (thumbprint, subject, issuer, serial number) read as strings, null without a
/// certificate (as <c>?.</c> would). Dates (NotBefore, NotAfter) and checks (Verify) are refused with a pointer to
/// validate-client-certificate, which does them once per connection instead of per expression.
/// </summary>
internal sealed partial class Binder
{
    private const string CertificatePath = "context.Request.Certificate";

    private const string CertificateMembers = "Thumbprint, Subject, SubjectName.Name, Issuer, IssuerName.Name, SerialNumber";

    private static readonly Dictionary<string, Func<IPolicyContext, string?>> CertificateTexts = new(StringComparer.Ordinal)
    {
        ["Thumbprint"] = static c => c.ClientCertificate?.Thumbprint,
        ["Subject"] = static c => c.ClientCertificate?.Subject,
        ["SubjectName.Name"] = static c => c.ClientCertificate?.SubjectName.Name,
        ["Issuer"] = static c => c.ClientCertificate?.Issuer,
        ["IssuerName.Name"] = static c => c.ClientCertificate?.IssuerName.Name,
        ["SerialNumber"] = static c => c.ClientCertificate?.SerialNumber,
    };

    /// <summary>A member of the certificate as text; null when <paramref name="path"/> is not the certificate's.</summary>
    private static Bound? Certificate(Syntax syntax, string path)
    {
        if (path == CertificatePath)
        {
            throw new ExpressionException(syntax.Position,
                $"'{CertificatePath}' can only be compared with null (== null, != null) or read through a member: {CertificateMembers}");
        }

        if (!path.StartsWith(CertificatePath + ".", StringComparison.Ordinal))
        {
            return null;
        }

        var member = path[(CertificatePath.Length + 1)..];
        if (CertificateTexts.TryGetValue(member, out var read))
        {
            return Bound.Of(read);
        }

        throw new ExpressionException(syntax.Position, member is "NotBefore" or "NotAfter"
            ? $"'{path}' is a date, which the subset has no type for: check the validity period with validate-client-certificate (validateNotBefore, validateNotAfter)"
            : $"'{path}' is not in the supported subset: a certificate offers {CertificateMembers} ({Docs})");
    }

    /// <summary><c>context.Request.Certificate == null</c> (or <c>!=</c>, either side); null when the operands are something else.</summary>
    private Bound? CertificateTest(BinarySyntax binary)
    {
        var left = Path(binary.Left) == CertificatePath;
        var right = Path(binary.Right) == CertificatePath;
        if (!left && !right)
        {
            return null;
        }

        var other = left ? binary.Right : binary.Left;
        if (binary.Operator is not (TokenKind.EqualEqual or TokenKind.NotEqual) || other is not LiteralSyntax { Token.Kind: not (TokenKind.Int or TokenKind.String) } literal
            || literal.Token.Text is "true" or "false")
        {
            throw new ExpressionException(binary.Position,
                $"'{CertificatePath}' can only be compared with null (== null, != null); read a member ({CertificateMembers}) to compare text");
        }

        return binary.Operator == TokenKind.EqualEqual
            ? Bound.Of(static c => c.ClientCertificate is null)
            : Bound.Of(static c => c.ClientCertificate is not null);
    }

    /// <summary>A method called on the certificate or one of its members: refused with what to use instead; null for other targets.</summary>
    private static ExpressionException? CertificateCall(MemberSyntax method, string target)
    {
        if (target != CertificatePath && !target.StartsWith(CertificatePath + ".", StringComparison.Ordinal))
        {
            return null;
        }

        return method.Name is "Verify" or "VerifyNoRevocation"
            ? new ExpressionException(method.Position,
                $"'{method.Name}()' is not supported: validate-client-certificate checks the chain (validateTrust, validateRevocation) once per connection")
            : new ExpressionException(method.Position, $"method '{method.Name}' on '{target}' is not in the supported subset: a certificate offers {CertificateMembers} ({Docs})");
    }
}
