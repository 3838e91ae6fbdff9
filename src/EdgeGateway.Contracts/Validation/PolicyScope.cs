namespace EdgeGateway.Contracts.Validation;

/// <summary>Where policies are attached, outermost first (APIM's scopes).</summary>
internal enum PolicyScope
{
    Global,
    Product,
    Api,
    Operation,
}
