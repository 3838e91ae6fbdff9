namespace EdgeGateway.Contracts.Snapshot;

/// <summary>The values of <see cref="BackendDefinition.Protocol"/>: the HTTP version a gateway speaks to a backend.</summary>
public static class BackendProtocols
{
    /// <summary>HTTP/2 where TLS negotiates it, HTTP/1.1 on cleartext (gRPC asks for h2c).</summary>
    public const string Auto = "auto";

    public const string Http1 = "http1";

    /// <summary>HTTP/2 only: ALPN on https://, prior knowledge (h2c) on http://.</summary>
    public const string Http2 = "http2";

    /// <summary>What an absent value means.</summary>
    public const string Default = Auto;

    /// <summary>Every accepted value, in the order error messages list them.</summary>
    public static IReadOnlyList<string> All { get; } = [Auto, Http1, Http2];
}
