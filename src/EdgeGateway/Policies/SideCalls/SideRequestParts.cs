using System.Text;
using EdgeGateway.Contracts.Policies;
using EdgeGateway.Contracts.Policies.Expressions;

namespace EdgeGateway.Policies.SideCalls;

/// <summary>One child of send-request, compiled at load: it shapes the side request, and says why it could not (or null).</summary>
internal interface ISideRequestPart
{
    string? Apply(PolicyRun run, SideRequest request);
}

/// <summary>Compiles send-request's children (validated: <c>SendRequestRules</c>), one part per child, in order.</summary>
internal static class SideRequestParts
{
    public static ISideRequestPart[] Compile(PolicyAttributes send, Auth.CertificateSources? certificates = null)
    {
        var parts = new List<ISideRequestPart>();
        foreach (var child in send.Objects(SendRequestPolicy.Children))
        {
            parts.Add(child.Text("type") switch
            {
                SendRequestPolicy.SetUrl => new SetUrlPart(child.RequiredValue("url")),
                "set-method" => new SetMethodPart(child.RequiredValue("method")),
                "set-header" => new SetHeaderPart(child.RequiredValue("name"), child.ValueOrValues(), ExistsActions.Parse(child.Text("existsAction"))),
                "set-body" => new SetBodyPart(child.RequiredValue("value")),
                AuthenticationBasic.Type => new BasicPart(BasicCredentials.Create(child)),
                "authentication-managed-identity" => new ManagedIdentityPart(child.RequiredValue("resource"), Constant(child.Value("clientId")),
                    child.Text("outputTokenVariableName"), child.Bool("ignoreError") ?? false),
                AuthenticationCertificate.Type => new CertificatePart((certificates
                    ?? throw new InvalidOperationException("send-request with an authentication-certificate child compiled without the config's certificates")).InvokerFor(child)),
                var type => throw new InvalidOperationException($"send-request child '{type}' passed validation but is not compiled"),
            });
        }

        return [.. parts];
    }

    // Validated as a literal or named values (SendRequestRules, as the top-level policy): a constant once named values are substituted.
    private static string? Constant(PolicyValue? value) => value?.Evaluate(null!) is { Length: > 0 } text ? text : null;

    private sealed class SetUrlPart(PolicyValue url) : ISideRequestPart
    {
        public string? Apply(PolicyRun run, SideRequest request)
        {
            request.Url = url.Evaluate(run);
            return null;
        }
    }

    private sealed class SetMethodPart(PolicyValue method) : ISideRequestPart
    {
        public string? Apply(PolicyRun run, SideRequest request)
        {
            var value = method.Evaluate(run);
            if (RequestLine.MethodError(value) is not null)
            {
                return "set-method computed a value that is not an HTTP method the gateway can send";
            }

            request.Method = HttpMethods.GetCanonicalizedValue(value);
            return null;
        }
    }

    private sealed class SetHeaderPart(PolicyValue name, PolicyValue[] values, ExistsAction action) : ISideRequestPart
    {
        public string? Apply(PolicyRun run, SideRequest request)
        {
            var header = name.Evaluate(run);
            if (!HeaderValues.IsSettableName(name, header))
            {
                return "set-header names a header the gateway cannot set";
            }

            if (action == ExistsAction.Delete)
            {
                request.Headers.Remove(header);
                return null;
            }

            if (action == ExistsAction.Skip && request.Headers.ContainsKey(header))
            {
                return null;
            }

            if (!PolicyValues.TryEvaluateHeaderValues(values, run, out var evaluated))
            {
                return "set-header computed a value that cannot be sent in a header";
            }

            request.Headers[header] = action == ExistsAction.Append && request.Headers.TryGetValue(header, out var existing)
                ? Microsoft.Extensions.Primitives.StringValues.Concat(existing, evaluated) : evaluated;
            return null;
        }
    }

    private sealed class SetBodyPart(PolicyValue value) : ISideRequestPart
    {
        /// <summary>A literal's (or named values') bytes, encoded once at load; the side request only reads them.</summary>
        private readonly byte[]? constant = value is { IsConstant: true, IsKnown: true } ? Encoding.UTF8.GetBytes(value.Evaluate(null!)) : null;

        public string? Apply(PolicyRun run, SideRequest request)
        {
            var body = constant ?? Encoding.UTF8.GetBytes(value.Evaluate(run));
            if (body.Length > PolicyBodies.MaxBuffered)
            {
                return "set-body computed a body larger than 1 MiB";
            }

            request.Body = body;
            return null;
        }
    }

    /// <summary>authentication-certificate: the side call goes through the certificate's client (loaded at load, shared with backends).</summary>
    private sealed class CertificatePart(HttpMessageInvoker invoker) : ISideRequestPart
    {
        public string? Apply(PolicyRun run, SideRequest request)
        {
            request.Invoker = invoker;
            return null;
        }
    }

    private sealed class BasicPart(BasicCredentials credentials) : ISideRequestPart
    {
        public string? Apply(PolicyRun run, SideRequest request)
        {
            request.Headers["Authorization"] = credentials.HeaderValue(run);
            return null;
        }
    }
}

/// <summary>
/// authentication-managed-identity inside send-request, as the top-level policy: the resource is evaluated with the other
/// children, the client id is known at load; the token is fetched (through <see cref="PolicyServices.AccessTokens"/>,
/// cached there) just before the call is sent, and goes into Authorization, or only into outputTokenVariableName when given.
/// </summary>
internal sealed class ManagedIdentityPart(PolicyValue resource, string? clientId, string? outputTokenVariableName, bool ignoreError) : ISideRequestPart
{
    public string? Apply(PolicyRun run, SideRequest request)
    {
        (request.Tokens ??= []).Add(new PendingToken(resource.Evaluate(run), clientId, outputTokenVariableName, ignoreError));
        return null;
    }
}

/// <summary>A token to fetch before sending; <c>IgnoreError</c>: without one the call goes without Authorization instead of failing (APIM's ignore-error).</summary>
internal readonly record struct PendingToken(string Resource, string? ClientId, string? OutputTokenVariableName, bool IgnoreError);
