using System.Text.Json.Serialization;
using ManagementPlane.Resources;

namespace ManagementPlane.Portal.Store;

/// <summary>Request and response bodies of the portal's admin endpoints (unknown request fields are errors, as in <c>ApiJsonContext</c>).</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow)]
[JsonSerializable(typeof(AccountResource))]
[JsonSerializable(typeof(ResourceList<AccountResource>))]
[JsonSerializable(typeof(AccountRequest))]
[JsonSerializable(typeof(InvitationRequest))]
[JsonSerializable(typeof(InvitationResource))]
[JsonSerializable(typeof(PortalSettings))]
internal sealed partial class PortalAdminJsonContext : JsonSerializerContext
{
    /// <summary>As <see cref="Default"/>, escaping only what JSON requires (tokens and URLs are copied by people; answers are never HTML).</summary>
    public static PortalAdminJsonContext Api => Relaxed.Context;

    private static class Relaxed
    {
        public static readonly PortalAdminJsonContext Context = new(new System.Text.Json.JsonSerializerOptions(
            Default.GeneratedSerializerOptions ?? throw new InvalidOperationException("the source generator sets the options"))
        {
            Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        });
    }
}
