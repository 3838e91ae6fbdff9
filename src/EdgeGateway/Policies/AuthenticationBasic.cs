using EdgeGateway.Contracts.Policies.Expressions;

namespace EdgeGateway.Policies;

/// <summary>
/// APIM's authentication-basic: <c>Authorization: Basic base64(username:password)</c> on the request the backend gets,
/// replacing the client's. The password usually comes from a secret named value; the header is never logged.
/// </summary>
internal sealed class AuthenticationBasic(BasicCredentials credentials) : PolicyStep
{
    public const string Type = Contracts.Policies.AuthenticationBasic.Type;

    public static AuthenticationBasic Create(PolicyAttributes a) => new(BasicCredentials.Create(a));

    public override PolicyResult Apply(PolicyRun run)
    {
        run.Http.Request.Headers.Authorization = credentials.HeaderValue(run);
        return PolicyResult.Continue;
    }
}

/// <summary>
/// A username and password as the Basic header value, shared by the policy and send-request's child: computed once at
/// load when both are constants (literals or named values), else per request.
/// </summary>
internal sealed class BasicCredentials
{
    private readonly string? constant;
    private readonly PolicyValue username;
    private readonly PolicyValue password;

    private BasicCredentials(PolicyValue username, PolicyValue password)
    {
        this.username = username;
        this.password = password;
        if (username is { IsConstant: true, IsKnown: true } && password is { IsConstant: true, IsKnown: true })
        {
            constant = Contracts.Policies.AuthenticationBasic.HeaderValue(username.Evaluate(null!), password.Evaluate(null!));
        }
    }

    public static BasicCredentials Create(PolicyAttributes a) => new(a.RequiredValue("username"), a.RequiredValue("password"));

    /// <summary>The header value; a withheld secret throws InvalidOperationException, which the pipeline answers as a policy that cannot be evaluated.</summary>
    public string HeaderValue(PolicyRun run) =>
        constant ?? Contracts.Policies.AuthenticationBasic.HeaderValue(username.Evaluate(run), password.Evaluate(run));
}
