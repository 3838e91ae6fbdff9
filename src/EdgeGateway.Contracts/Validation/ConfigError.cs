namespace EdgeGateway.Contracts.Validation;

/// <summary>One problem in a config document: where it is (a JSON path like <c>apis[2].backend.urls[0]</c>) and what is wrong.</summary>
public sealed record ConfigError(string Path, string Message)
{
    public override string ToString() => Path.Length == 0 ? Message : $"{Path}: {Message}";
}
