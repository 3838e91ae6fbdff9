using System.Text.Json;
using EdgeGateway.Contracts.Snapshot;

namespace ManagementPlane.PolicyXml;

/// <summary>
/// Builds the raw JSON of a policy attribute from what the XML reader collected (strings, numbers, flags, lists, ordered
/// members, nested policies) with a <see cref="Utf8JsonWriter"/>: no serializer, so nothing to generate for AOT.
/// </summary>
internal static class JsonValues
{
    public static JsonElement Element(object value)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            Write(writer, value);
        }

        using var document = JsonDocument.Parse(buffer.ToArray());
        return document.RootElement.Clone();
    }

    private static void Write(Utf8JsonWriter writer, object value)
    {
        switch (value)
        {
            case string text:
                writer.WriteStringValue(text);
                break;
            case int number:
                writer.WriteNumberValue(number);
                break;
            case bool flag:
                writer.WriteBooleanValue(flag);
                break;
            case JsonElement element:
                element.WriteTo(writer);
                break;
            case PolicyDefinition policy:
                writer.WriteStartObject();
                writer.WriteString("type", policy.Type);
                foreach (var (name, attribute) in policy.Attributes ?? [])
                {
                    writer.WritePropertyName(name);
                    attribute.WriteTo(writer);
                }

                writer.WriteEndObject();
                break;
            case List<KeyValuePair<string, object>> members:
                writer.WriteStartObject();
                foreach (var (name, member) in members)
                {
                    writer.WritePropertyName(name);
                    Write(writer, member);
                }

                writer.WriteEndObject();
                break;
            case System.Collections.IEnumerable items:
                writer.WriteStartArray();
                foreach (var item in items)
                {
                    Write(writer, item!);
                }

                writer.WriteEndArray();
                break;
            default:
                throw new ArgumentException($"no JSON form for {value.GetType().Name}", nameof(value));
        }
    }
}
