using EdgeGateway.Contracts.Policies;
using EdgeGateway.Contracts.Policies.Expressions;
using EdgeGateway.Contracts.Snapshot;

namespace EdgeGateway.Policies;

/// <summary>
/// Builds pipelines from a validated snapshot, once per revision. Scopes nest global → product → API → operation; in
/// each section a scope's list replaces its <c>base</c> by the enclosing scope's merged list (APIM semantics): a section
/// written without <c>base</c> drops the outer policies there, and a section not written at all inherits them, as if it
/// held only <c>base</c>. A policy object becomes one step, shared by every pipeline that runs it.
/// </summary>
internal sealed class PipelineCompiler(GatewaySnapshot snapshot, PolicyServices? services = null)
{
    private readonly NamedValueSet namedValues = new(snapshot.NamedValues);
    private readonly Dictionary<(PolicyDefinition, Sections), PolicyStep> steps = [];
    private readonly Traffic.TrafficScopes scopes = new(snapshot);

    /// <summary>The certificates authentication-certificate policies present, loaded at load (also for send-request's children).</summary>
    public Auth.CertificateSources Certificates { get; } = new(snapshot, (services ?? PolicyServices.Default).Certificates);

    /// <summary>The pipelines of one operation (or of an API without operations): without product, and per product with policies.</summary>
    public PipelineSet Compile(IEnumerable<ProductDefinition> products, PolicySet? api, PolicySet? operation)
    {
        var withoutProduct = Build(snapshot.Policies, null, api, operation);
        var byProduct = new Dictionary<string, PolicyPipeline>(StringComparer.OrdinalIgnoreCase);
        foreach (var product in products)
        {
            if (product.Policies is not null)
            {
                byProduct[product.Id!] = Build(snapshot.Policies, product.Policies, api, operation);
            }
        }

        return withoutProduct.IsEmpty && byProduct.Count == 0 ? PipelineSet.Empty : new PipelineSet(withoutProduct, byProduct);
    }

    private PolicyPipeline Build(PolicySet? global, PolicySet? product, PolicySet? api, PolicySet? operation)
    {
        PolicyStep[] Section(Func<PolicySet, IReadOnlyList<PolicyDefinition>?> pick, Sections section)
        {
            IReadOnlyList<PolicyDefinition> merged = [];
            foreach (var scope in new[] { global, product, api, operation })
            {
                merged = Merge(scope is null ? null : pick(scope), merged);
            }

            return [.. merged.Select(p => Step(p, section))];
        }

        var pipeline = new PolicyPipeline(
            Section(s => s.Inbound, Sections.Inbound),
            Section(s => s.Backend, Sections.Backend),
            Section(s => s.Outbound, Sections.Outbound),
            Section(s => s.OnError, Sections.OnError));
        return pipeline.IsEmpty ? PolicyPipeline.Empty : pipeline;
    }

    /// <summary>A scope's section around the outer scope's merged list: in place of base, or not at all.</summary>
    internal static IReadOnlyList<PolicyDefinition> Merge(IReadOnlyList<PolicyDefinition>? inner, IReadOnlyList<PolicyDefinition> outer)
    {
        if (inner is null)
        {
            return outer;
        }

        var merged = new List<PolicyDefinition>();
        foreach (var policy in inner)
        {
            if (policy.Type == PolicyCatalog.Base)
            {
                merged.AddRange(outer);
            }
            else
            {
                merged.Add(policy);
            }
        }

        return merged;
    }

    private PolicyStep Step(PolicyDefinition policy, Sections section)
    {
        if (!steps.TryGetValue((policy, section), out var step))
        {
            var a = new PolicyAttributes(policy.Attributes, namedValues, section);
            scopes.Enter(policy);
            step = policy.Type switch
            {
                SetHeader.Type => SetHeader.Create(a),
                SetQueryParameter.Type => SetQueryParameter.Create(a),
                "set-variable" => SetVariable.Create(a),
                CheckHeader.Type => CheckHeader.Create(a),
                ReturnResponse.Type => ReturnResponse.Create(a),
                "set-status" => SetStatus.Create(a),
                ValidateJwt.Type => ValidateJwt.Create(a, services ?? PolicyServices.Default),
                IpFilter.Type => IpFilter.Create(a),
                Cors.Type => Cors.Create(a),
                Contracts.Policies.ChoosePolicy.Type => Choose.Create(policy.Attributes, namedValues, section, p => Step(p, section)),
                MockResponse.Type => MockResponse.Create(a, snapshot),
                RewriteUri.Type => RewriteUri.Create(a),
                SetBackendService.Type => SetBackendService.Create(a),
                SetMethod.Type => SetMethod.Create(a),
                SetBody.Type => SetBody.Create(a),
                FindAndReplace.Type => FindAndReplace.Create(a),
                Caching.CacheLookup.Type => Caching.CacheLookup.Create(a, services ?? PolicyServices.Default),
                Caching.CacheStore.Type => Caching.CacheStore.Create(a, services ?? PolicyServices.Default),
                Retry.Type => Retry.Create(a),
                ForwardRequest.Type => ForwardRequest.Create(a),
                AuthenticationCertificate.Type => AuthenticationCertificate.Create(a, Certificates),
                ValidateClientCertificate.Type => ValidateClientCertificate.Create(a, services ?? PolicyServices.Default),

                RateLimit.Type or RateLimit.ByKeyType => RateLimit.Create(policy.Type, a, scopes.NameOf(policy), services ?? PolicyServices.Default),
                Quota.Type or Quota.ByKeyType => Quota.Create(policy.Type, a, scopes.NameOf(policy), services ?? PolicyServices.Default),
                LimitConcurrency.Type => LimitConcurrency.Create(a, scopes.NameOf(policy), services ?? PolicyServices.Default),
                AuthenticationManagedIdentity.Type => AuthenticationManagedIdentity.Create(a, services ?? PolicyServices.Default),
                ValidateAzureAdToken.Type => ValidateAzureAdToken.Create(a, services ?? PolicyServices.Default),
                SendRequestPolicy.Type or SendRequestPolicy.OneWayType => SideCalls.SendRequest.Create(policy.Type, a, services ?? PolicyServices.Default, Certificates),
                Caching.CacheValue.LookupType or Caching.CacheValue.StoreType or Caching.CacheValue.RemoveType =>
                    Caching.CacheValue.Create(policy.Type, a, services ?? PolicyServices.Default),
                AuthenticationBasic.Type => AuthenticationBasic.Create(a),
                _ => throw new InvalidOperationException($"policy type '{policy.Type}' passed validation but is not enforced"),
            };
            steps[(policy, section)] = step;
        }

        return step;
    }
}
