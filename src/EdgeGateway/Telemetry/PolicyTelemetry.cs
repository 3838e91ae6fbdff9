using System.Diagnostics;
using EdgeGateway.Contracts.Policies;
using EdgeGateway.Policies;

namespace EdgeGateway.Telemetry;

/// <summary>
/// A policy failure (<see cref="PolicyRun.Fail"/>), seen from outside: <c>edgegateway.policy.errors</c>, a rejection when the
/// failure refuses the client (<see cref="GatewayAttributes.RejectionOf"/>), and an event named after the policy on the
/// server span. Nothing is built when nobody listens.
/// </summary>
internal static class PolicyTelemetry
{
    /// <summary>The error source of a failed backend call (its section is always <c>backend</c>).</summary>
    public const string ForwardRequest = "forward-request";

    public static string SectionName(Sections section) => section switch
    {
        Sections.Inbound => "inbound",
        Sections.Backend => "backend",
        Sections.Outbound => "outbound",
        Sections.OnError => "on-error",
        _ => "inbound",
    };

    public static void Failed(PolicyRun run, PolicyError error)
    {
        var section = run.LastErrorSection ?? SectionName(run.Section);
        if (GatewayTelemetry.PolicyErrors.Enabled)
        {
            var tags = new TagList
            {
                { GatewayAttributes.Policy, error.Source },
                { GatewayAttributes.PolicySection, section },
                { GatewayAttributes.ErrorType, error.Reason },
            };
            RequestTelemetry.AddCommon(ref tags, run.ApiId, run.GatewayId);
            GatewayTelemetry.PolicyErrors.Add(1, tags);
        }

        if (GatewayTelemetry.Rejections.Enabled && GatewayAttributes.RejectionOf(error.Source, error.Reason, error.StatusCode) is { } reason)
        {
            var tags = new TagList
            {
                { GatewayAttributes.RejectionReason, reason },
                { GatewayAttributes.Policy, error.Source },
            };
            RequestTelemetry.AddCommon(ref tags, run.ApiId, run.GatewayId);
            GatewayTelemetry.Rejections.Add(1, tags);
        }

        if (RequestTelemetry.Recorded(Activity.Current) is { } activity)
        {
            activity.AddEvent(new ActivityEvent(error.Source, tags: new ActivityTagsCollection
            {
                { GatewayAttributes.ErrorReason, error.Reason },
                { GatewayAttributes.PolicySection, section },
                { GatewayAttributes.ErrorMessage, error.Message },
                { GatewayAttributes.HttpStatusCode, error.StatusCode },
            }));
        }
    }
}
