using System.Text.Json.Serialization;

// A tiny backend for trying the gateway: answers every request with what it received.
var builder = WebApplication.CreateSlimBuilder(args);
builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.TypeInfoResolverChain.Insert(0, EchoJsonContext.Default));
var app = builder.Build();

app.MapGet("/health", () => "ok");
app.Map("/{**rest}", (HttpContext context) => new EchoReply(
    "echo-backend",
    context.Request.Method,
    context.Request.Path.Value ?? "/",
    context.Request.QueryString.Value ?? "",
    context.Request.Headers.Where(h => h.Key.StartsWith("X-", StringComparison.OrdinalIgnoreCase))
        .ToDictionary(h => h.Key, h => h.Value.ToString())));

app.Run();

internal sealed record EchoReply(string Backend, string Method, string Path, string Query, Dictionary<string, string> ForwardedHeaders);

[JsonSerializable(typeof(EchoReply))]
internal sealed partial class EchoJsonContext : JsonSerializerContext;
