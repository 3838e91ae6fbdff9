using EdgeGateway.Contracts.Policies.Expressions;
using EdgeGateway.Policies.Jwt;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace EdgeGateway.Policies;

/// <summary>
/// APIM's validate-jwt, through Microsoft.IdentityModel (no JOSE of our own): reads the token from one place, checks its
/// signature (RS256, ES256, HS256; <c>alg: none</c> refused unless requireSignedTokens is false), lifetime, issuer,
/// audience and required claims, and keeps it for <c>((Jwt)context.Variables["name"]).Claims</c>. With keys at hand
/// (inline, or an OpenID Connect document already fetched) the step completes synchronously; it waits only for a first
/// fetch. A token naming an unknown key asks for a refresh (at most once per <c>Gateway:JwtKeyRefreshInterval</c>, in
/// the background) and is refused; tokens after the refresh pass.
/// </summary>
/// <remarks>validate-azure-ad-token is this step too, under its own name (<paramref name="source"/>) and with a check of its own.</remarks>
internal sealed class ValidateJwt(
    JwtTokenReader reader, JwtKeySource keys, RequiredClaim[] claims, int failedCode, PolicyValue? failedMessage, string? outputVariable,
    string source = ValidateJwt.Type, Func<JsonWebToken, JwtFailure?>? check = null) : PolicyStep
{
    public const string Type = "validate-jwt";

    /// <summary>The algorithms the gateway verifies; any other (HS384, PS256, none) is refused.</summary>
    public static readonly string[] Algorithms = [SecurityAlgorithms.RsaSha256, SecurityAlgorithms.EcdsaSha256, SecurityAlgorithms.HmacSha256];

    private static readonly JsonWebTokenHandler Handler = new() { MaximumTokenSizeInBytes = JwtTokenReader.MaxTokenLength * 2 };

    public static PolicyStep Create(PolicyAttributes a, PolicyServices services)
    {
        try
        {
            return Build(a, services);
        }
        catch (InvalidOperationException)
        {
            // A secret named value the management plane withheld (in issuers, a claim, ...): this gateway cannot evaluate the policy.
            return new Withheld();
        }
    }

    private static ValidateJwt Build(PolicyAttributes a, PolicyServices services)
    {
        var parameters = new TokenValidationParameters
        {
            ValidIssuers = Constants(a.Values("issuers")),
            ValidAudiences = Constants(a.Values("audiences")),
            ClockSkew = TimeSpan.FromSeconds(a.Int("clockSkew") ?? 0),
            RequireExpirationTime = a.Bool("requireExpirationTime") ?? true,
            RequireSignedTokens = a.Bool("requireSignedTokens") ?? true,
            ValidAlgorithms = Algorithms,
            ValidateLifetime = true,
            TryAllIssuerSigningKeys = true,
        };
        parameters.ValidateIssuer = parameters.ValidIssuers.Any();
        parameters.ValidateAudience = parameters.ValidAudiences.Any();

        var reader = new JwtTokenReader(Constant(a.Value("headerName")), Constant(a.Value("queryParameterName")), a.Value("tokenValue"),
            Constant(a.Value("requireScheme")));
        return new ValidateJwt(reader, Keys(a, parameters, services), Claims(a),
            a.Int("failedValidationHttpCode") ?? StatusCodes.Status401Unauthorized, a.Value("failedValidationErrorMessage"), a.Text("outputTokenVariableName"));
    }

    public override PolicyResult Apply(PolicyRun run) => throw new NotSupportedException("validate-jwt runs through ApplyAsync");

    public override ValueTask<PolicyResult> ApplyAsync(PolicyRun run)
    {
        if (reader.Read(run, out var token) is { } unread)
        {
            return new(Fail(run, unread));
        }

        var parameters = keys.GetAsync();
        if (!parameters.IsCompletedSuccessfully)
        {
            return WaitForKeysAsync(run, token, parameters);
        }

        if (parameters.Result is null)
        {
            return new(Fail(run, JwtFailure.KeysUnavailable));
        }

        var validation = Handler.ValidateTokenAsync(token, parameters.Result);
        return validation.IsCompletedSuccessfully ? new(Finish(run, validation.Result)) : WaitForValidationAsync(run, validation);
    }

    private async ValueTask<PolicyResult> WaitForKeysAsync(PolicyRun run, string token, ValueTask<TokenValidationParameters?> pending)
    {
        var parameters = await pending;
        return parameters is null ? Fail(run, JwtFailure.KeysUnavailable) : Finish(run, await Handler.ValidateTokenAsync(token, parameters));
    }

    private async ValueTask<PolicyResult> WaitForValidationAsync(PolicyRun run, Task<TokenValidationResult> validation) =>
        Finish(run, await validation);

    private PolicyResult Finish(PolicyRun run, TokenValidationResult result)
    {
        if (!result.IsValid || result.SecurityToken is not JsonWebToken token)
        {
            var failure = JwtFailure.From(result.Exception);
            if (failure == JwtFailure.KeyNotFound)
            {
                keys.RequestRefresh();
            }

            return Fail(run, failure);
        }

        if (claims.Length > 0 && CheckClaims(token) is { } refused)
        {
            return Fail(run, refused);
        }

        if (check is not null && check(token) is { } refusedByCheck)
        {
            return Fail(run, refusedByCheck);
        }

        if (outputVariable is not null)
        {
            run.SetToken(outputVariable, token);
        }

        return PolicyResult.Continue;
    }

    private JwtFailure? CheckClaims(JsonWebToken token)
    {
        List<string>? missing = null;
        foreach (var claim in claims)
        {
            if (!claim.IsIn(token))
            {
                (missing ??= []).Add(claim.Name);
            }
        }

        if (missing is not null)
        {
            return new JwtFailure("TokenClaimNotFound", $"JWT is missing the following claims: {string.Join(", ", missing)}. Access denied.");
        }

        foreach (var claim in claims)
        {
            if (claim.CheckValues(token) is { } mismatch)
            {
                return mismatch;
            }
        }

        return null;
    }

    /// <summary>requiredClaims, compiled (constants: named values substituted); shared with validate-azure-ad-token.</summary>
    internal static RequiredClaim[] Claims(PolicyAttributes a) => [.. a.Objects("requiredClaims").Select(c => new RequiredClaim(
        c.RequiredValue("name").Evaluate(null!), c.Text("match") != "any", Constants(c.Values("values")), Constant(c.Value("separator"))))];

    private PolicyResult Fail(PolicyRun run, JwtFailure failure) =>
        run.Fail(new PolicyError(source, failure.Reason, failedMessage?.Evaluate(run) ?? failure.Message, failedCode));

    private static JwtKeySource Keys(PolicyAttributes a, TokenValidationParameters parameters, PolicyServices services)
    {
        var inline = new List<SecurityKey>();
        foreach (var key in a.Objects("issuerSigningKeys"))
        {
            var fields = new[] { "kty", "kid", "n", "e", "crv", "x", "y", "k" }.Select(name => (name, value: key.Value(name))).ToList();
            if (fields.Any(f => f.value is { IsKnown: false }))
            {
                return new WithheldKeySource();
            }

            string? Field(string name) => fields.First(f => f.name == name).value?.Evaluate(null!);
            inline.Add(new JsonWebKey
            {
                Kty = Field("kty"), Kid = Field("kid"), N = Field("n"), E = Field("e"), Crv = Field("crv"), X = Field("x"), Y = Field("y"), K = Field("k"),
            });
        }

        if (a.Object("openidConfig") is { } openId)
        {
            var url = openId.RequiredValue("url");
            return url.IsKnown
                ? new OpenIdKeySource(services.OpenIdKeys.Get(url.Evaluate(null!)), parameters, inline, services)
                : new WithheldKeySource();
        }

        parameters.IssuerSigningKeys = inline;
        return new InlineKeySource(parameters);
    }

    private sealed class Withheld : PolicyStep
    {
        public override PolicyResult Apply(PolicyRun run) =>
            throw new InvalidOperationException("validate-jwt references a secret named value that was withheld");
    }

    // Validated as literals or named values (JwtRules): constants once named values are substituted.
    internal static string? Constant(PolicyValue? value) => value?.Evaluate(null!);

    internal static string[] Constants(PolicyValue[] values) => [.. values.Select(v => v.Evaluate(null!))];
}
