using System.Net.Sockets;
using System.Text;

namespace EdgeGateway.EndToEnd.Tests.Infrastructure;

/// <summary>
/// An HTTP/1.x client that writes exactly the bytes it is given (no client library normalising the target,
/// the headers or the framing) and reads one response.
/// </summary>
public sealed class RawHttp : IDisposable
{
    private readonly TcpClient client;
    private readonly NetworkStream stream;

    private RawHttp(TcpClient client)
    {
        this.client = client;
        stream = client.GetStream();
    }

    public static async Task<RawHttp> ConnectAsync(int port)
    {
        var client = new TcpClient { NoDelay = true };
        await client.ConnectAsync("127.0.0.1", port);
        return new RawHttp(client);
    }

    /// <summary>Sends one request (Connection: close is the caller's to add) and reads the whole response.</summary>
    public static async Task<RawResponse> SendAsync(int port, string request)
    {
        using var connection = await ConnectAsync(port);
        await connection.WriteAsync(request);
        return await connection.ReadResponseAsync();
    }

    public Task WriteAsync(string text) => WriteAsync(Encoding.Latin1.GetBytes(text));

    public async Task WriteAsync(byte[] bytes)
    {
        await stream.WriteAsync(bytes);
        await stream.FlushAsync();
    }

    /// <summary>Reads until the server closes the connection or the response is complete; at most 30 s.</summary>
    public async Task<RawResponse> ReadResponseAsync()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        while (true)
        {
            int read;
            try
            {
                read = await stream.ReadAsync(chunk, cts.Token);
            }
            catch (IOException)
            {
                read = 0; // reset after the response: what was read is the answer
            }

            if (read > 0)
            {
                buffer.Write(chunk, 0, read);
            }

            if (RawResponse.TryParse(buffer.ToArray(), read == 0, out var response) || read == 0)
            {
                return response ?? throw new InvalidOperationException("connection closed without a complete response: "
                    + Encoding.Latin1.GetString(buffer.ToArray()));
            }
        }
    }

    public void Dispose()
    {
        stream.Dispose();
        client.Dispose();
    }
}

public sealed record RawResponse(int Status, IReadOnlyList<KeyValuePair<string, string>> Headers, string Body)
{
    public string? Header(string name) => Headers.FirstOrDefault(h => h.Key.Equals(name, StringComparison.OrdinalIgnoreCase)).Value;

    public Echo Echo() => System.Text.Json.JsonSerializer.Deserialize<Echo>(Body, new System.Text.Json.JsonSerializerOptions(System.Text.Json.JsonSerializerDefaults.Web))!;

    /// <summary>A complete response: status line, headers, and a body framed by Content-Length, chunked encoding or the end of the connection.</summary>
    public static bool TryParse(byte[] bytes, bool closed, out RawResponse? response)
    {
        response = null;
        var text = Encoding.Latin1.GetString(bytes);
        var headEnd = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        if (headEnd < 0)
        {
            return false;
        }

        var lines = text[..headEnd].Split("\r\n");
        var status = int.Parse(lines[0].Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
        var headers = lines.Skip(1).Select(l => l.Split(':', 2)).Select(p => KeyValuePair.Create(p[0], p[1].Trim())).ToList();
        var rest = text[(headEnd + 4)..];
        string? body;
        if (headers.Any(h => h.Key.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase)))
        {
            body = Dechunk(rest);
        }
        else if (headers.FirstOrDefault(h => h.Key.Equals("Content-Length", StringComparison.OrdinalIgnoreCase)).Value is { } length)
        {
            var n = int.Parse(length, System.Globalization.CultureInfo.InvariantCulture);
            body = rest.Length >= n ? rest[..n] : null;
        }
        else
        {
            body = closed ? rest : null; // delimited by the end of the connection
        }

        if (body is null)
        {
            return false;
        }

        response = new RawResponse(status, headers, Encoding.UTF8.GetString(Encoding.Latin1.GetBytes(body)));
        return true;
    }

    private static string? Dechunk(string rest)
    {
        var body = new StringBuilder();
        var at = 0;
        while (true)
        {
            var lineEnd = rest.IndexOf("\r\n", at, StringComparison.Ordinal);
            if (lineEnd < 0)
            {
                return null;
            }

            var size = Convert.ToInt32(rest[at..lineEnd].Split(';')[0], 16);
            if (size == 0)
            {
                return rest.IndexOf("\r\n\r\n", lineEnd, StringComparison.Ordinal) == lineEnd ? body.ToString() : null;
            }

            if (rest.Length < lineEnd + 2 + size + 2)
            {
                return null;
            }

            body.Append(rest, lineEnd + 2, size);
            at = lineEnd + 2 + size + 2;
        }
    }
}
