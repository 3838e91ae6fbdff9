namespace EdgeGateway.Contracts.Validation;

/// <summary>
/// Checks one family of policy types (rate limits, headers, JWT, ...) beyond what every policy gets: a known type in an
/// allowed section. <see cref="PolicyRules"/> runs each rule, in order, on every policy whose type it applies to.
/// </summary>
internal interface IPolicyRule
{
    bool AppliesTo(string type);

    void Validate(PolicyItem item, ValidationContext context);
}
