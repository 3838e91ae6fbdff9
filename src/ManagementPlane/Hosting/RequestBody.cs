using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.Extensions.Options;

namespace ManagementPlane.Hosting;

/// <summary>
/// Reads a request body with a size cap and a source-generated type, turning every failure into a 4xx problem:
/// oversize → 413, empty / malformed / unknown field / wrong type → 400 naming the JSON path.
/// </summary>
internal static class RequestBody
{
    public static async Task<BodyResult<T>> ReadJsonAsync<T>(HttpContext context, JsonTypeInfo<T> type, CancellationToken cancellationToken)
        where T : class
    {
        var limit = context.RequestServices.GetRequiredService<IOptions<ManagementOptions>>().Value.MaxBodyBytes;
        var bytes = await ReadBytesAsync(context, limit, cancellationToken);
        if (bytes.Error is not null)
        {
            return new(null, bytes.Error);
        }

        return Parse(bytes.Value!, type);
    }

    public static BodyResult<T> Parse<T>(byte[] bytes, JsonTypeInfo<T> type)
        where T : class
    {
        if (bytes.Length == 0)
        {
            return new(null, Problems.BadRequest("the request body is empty; a JSON object is required"));
        }

        try
        {
            var value = JsonSerializer.Deserialize(bytes, type);
            return value is null
                ? new(null, Problems.BadRequest("the request body must be a JSON object, not null"))
                : new(value, null);
        }
        catch (JsonException ex)
        {
            var error = JsonErrors.Describe(ex);
            return new(null, Problems.BadRequest("the request body is not valid: " + error.Message, [error]));
        }
    }

    public static async Task<BodyResult<byte[]>> ReadBytesAsync(HttpContext context, long limit, CancellationToken cancellationToken)
    {
        if (context.Request.ContentLength is { } declared && declared > limit)
        {
            return new(null, TooLarge(limit));
        }

        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        try
        {
            int read;
            while ((read = await context.Request.Body.ReadAsync(chunk, cancellationToken)) > 0)
            {
                if (buffer.Length + read > limit)
                {
                    return new(null, TooLarge(limit));
                }

                buffer.Write(chunk, 0, read);
            }
        }
        catch (BadHttpRequestException ex)
        {
            return new(null, Problems.Create(ex.StatusCode, ex.StatusCode == 413 ? "Content Too Large" : "Bad Request", "the request body could not be read: " + ex.Message));
        }

        return new(buffer.ToArray(), null);
    }

    private static IResult TooLarge(long limit) =>
        Problems.Create(StatusCodes.Status413PayloadTooLarge, "Content Too Large", $"the request body is larger than {limit} bytes (Management:MaxBodyBytes / Management:MaxImportBytes)");
}

internal sealed record BodyResult<T>(T? Value, IResult? Error)
    where T : class;
