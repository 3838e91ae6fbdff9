using System.Text.Json;

namespace EdgeGateway.Contracts.Policies.Expressions;

/// <summary>
/// APIM's <c>IResponse</c> as the subset reads it: the response a <c>send-request</c> stored under its
/// <c>responseVariableName</c>. The body was read once, capped, when the response arrived; the text and the JSON are
/// made from those bytes on first use and kept, so several expressions reading one body decode it once.
/// </summary>
public interface IPolicyResponse
{
    /// <summary><c>.StatusCode</c>.</summary>
    int StatusCode { get; }

    /// <summary><c>.Headers.GetValueOrDefault(name)</c>: the values joined by commas, null when absent (content headers too).</summary>
    string? Header(string name);

    /// <summary><c>.Body.As&lt;string&gt;()</c>: the body as UTF-8 text (empty when there was none).</summary>
    string BodyText { get; }

    /// <summary><c>.Body.As&lt;JObject&gt;()</c>: the body read as JSON, or null when it is not JSON.</summary>
    JsonElement? BodyJson { get; }
}

/// <summary>One step of a <c>.Body.As&lt;JObject&gt;()["a"][0]</c> path: a property name, or an array index when the name is null.</summary>
internal readonly record struct JsonStep(string? Name, int Index)
{
    /// <summary>
    /// The value at <paramref name="path"/> as text: a string's value, a number or true/false as written, an object or array
    /// as its JSON; null when the body is not JSON, a step is missing, or the value is JSON null.
    /// </summary>
    public static string? Read(JsonElement? root, JsonStep[] path)
    {
        if (root is not { } element)
        {
            return null;
        }

        foreach (var step in path)
        {
            if (step.Name is { } name)
            {
                if (element.ValueKind != JsonValueKind.Object || !element.TryGetProperty(name, out element))
                {
                    return null;
                }
            }
            else if (element.ValueKind != JsonValueKind.Array || step.Index < 0 || step.Index >= element.GetArrayLength())
            {
                return null;
            }
            else
            {
                element = element[step.Index];
            }
        }

        return element.ValueKind switch
        {
            JsonValueKind.String => element.GetString(),
            JsonValueKind.Null or JsonValueKind.Undefined => null,
            _ => element.GetRawText(),
        };
    }
}
