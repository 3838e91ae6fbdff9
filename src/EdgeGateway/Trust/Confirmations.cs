using System.Security.Cryptography;
using System.Text;
using EdgeGateway.Configuration;
using EdgeGateway.Contracts.Signing;

namespace EdgeGateway.Trust;

/// <summary>
/// The management plane's signed confirmations as they arrive with each snapshot answer: verified here (signature,
/// gateway id), kept when they vouch for the revision this gateway serves, and handed on to the backup writer.
/// </summary>
internal sealed partial class Confirmations(GatewaySettings settings, ILoggerFactory loggerFactory)
{
    /// <summary>Far above a real one (~400 bytes); a longer header is not parsed.</summary>
    private const int MaxLength = 4096;

    private readonly ILogger logger = loggerFactory.CreateLogger("EdgeGateway.Trust");
    private string? lastProblem;

    /// <summary>A confirmation of the served revision arrived (verified).</summary>
    public event Action<SignedConfirmation>? Received;

    public SnapshotConfirmation? Latest { get; private set; }

    public void Receive(string? header, long servedRevision)
    {
        if (header is null)
        {
            return; // a plane that does not send them yet
        }

        var signed = Encoding.ASCII.GetBytes(header.Length > MaxLength ? "" : header);
        var problem = Verify(signed, settings.TrustKey!, settings.Gateway.Id!, "confirmation", out var confirmation);
        if (problem is not null)
        {
            if (problem != lastProblem)
            {
                LogIgnored(logger, problem);
            }

            lastProblem = problem;
            return;
        }

        lastProblem = null;
        if (confirmation!.Revision != servedRevision)
        {
            return; // vouches for a revision this gateway does not serve (one it refused): nothing to keep
        }

        Latest = confirmation;
        Received?.Invoke(new SignedConfirmation(confirmation, signed));
    }

    /// <summary>
    /// The one check of a signed confirmation, as it arrives and as it is read back from a backup: signed by the plane's key and
    /// issued for this gateway. Returns the problem (naming <paramref name="what"/> was checked), or null.
    /// </summary>
    public static string? Verify(byte[] signed, ECDsa trustKey, string gatewayId, string what, out SnapshotConfirmation? confirmation)
    {
        var check = SnapshotConfirmation.Verify(signed, trustKey);
        confirmation = check.Confirmation;
        if (confirmation is null)
        {
            return check.Error;
        }

        return string.Equals(confirmation.GatewayId, gatewayId, StringComparison.Ordinal) ? null
            : $"the {what} is for gateway '{confirmation.GatewayId}', not '{gatewayId}'";
    }

    [LoggerMessage(80, LogLevel.Warning, "Snapshot confirmation from the management plane ignored: {Problem}")]
    private static partial void LogIgnored(ILogger logger, string problem);
}

internal sealed record SignedConfirmation(SnapshotConfirmation Confirmation, byte[] Signed);
