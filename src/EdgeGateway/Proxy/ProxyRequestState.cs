namespace EdgeGateway.Proxy;

/// <summary>What the transformer needs to know about the matched API, carried as a request feature.</summary>
internal sealed class ProxyRequestState(RawRemainder remainder, string keyHeader, string keyQuery, bool keyInQuery)
{
    /// <summary>The raw request path after the API prefix, as the client wrote it: appended to the backend URL.</summary>
    public RawRemainder Remainder { get; } = remainder;

    public string KeyHeader { get; } = keyHeader;

    public string KeyQuery { get; } = keyQuery;

    public bool KeyInQuery { get; } = keyInQuery;

    public string ApiPrefix { get; init; } = "";

    /// <summary>The request's policy run, when its route has policies: outbound runs when the backend's response arrives.</summary>
    public Policies.PolicyRun? Policies { get; init; }
}
