namespace EdgeGateway.Policies;

/// <summary>
/// A valid policy that this gateway cannot set up at load, for a reason outside the document (a certificate file missing on
/// this disk, a key that does not open): the config is refused with <see cref="Exception.Message"/>, which names the policy's
/// setting and never quotes a secret, and the last good config keeps serving. Never thrown per request.
/// </summary>
internal sealed class PolicyLoadException(string message) : Exception(message);
