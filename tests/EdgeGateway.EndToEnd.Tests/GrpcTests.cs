using EdgeGateway.EndToEnd.Tests.Grpc;
using EdgeGateway.EndToEnd.Tests.Infrastructure;
using global::Grpc.Core;
using global::Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;

namespace EdgeGateway.EndToEnd.Tests;

public sealed class GreeterService : Greeter.GreeterBase
{
    public override async Task<HelloReply> SayHello(HelloRequest request, ServerCallContext context)
    {
        await context.WriteResponseHeadersAsync(new Metadata { { "x-greeter", "unary" } });
        context.ResponseTrailers.Add("x-trailer", "unary-done");
        return new HelloReply { Message = $"Hello {request.Name}" };
    }

    public override async Task SayHelloStream(HelloRequest request, IServerStreamWriter<HelloReply> responseStream, ServerCallContext context)
    {
        for (var i = 1; i <= request.Count; i++)
        {
            await responseStream.WriteAsync(new HelloReply { Message = $"Hello {request.Name} #{i}" });
        }

        context.ResponseTrailers.Add("x-trailer", $"sent-{request.Count}");
        if (request.Name == "fail")
        {
            throw new RpcException(new Status(StatusCode.FailedPrecondition, "asked to fail"));
        }
    }
}

/// <summary>A real gRPC service behind the AOT gateway: h2c from the client (Gateway:H2cPort) and to the backend.</summary>
public sealed class GrpcTests : IAsyncLifetime
{
    private readonly ConfigFolder folder = new();
    private TestBackend backend = null!;
    private GatewayProcess gateway = null!;
    private GrpcChannel channel = null!;

    public async Task InitializeAsync()
    {
        backend = await TestBackend.StartAsync("grpc", app => app.MapGrpcService<GreeterService>(), http2Only: true);
        folder.Write($$"""
            { "schemaVersion": 1, "apis": [ { "id": "greeter", "path": "/", "subscriptionRequired": false, "backend": { "urls": ["{{backend.Url}}"] } } ] }
            """);
        var h2cPort = Ports.Free();
        gateway = await GatewayProcess.StartAsync(folder.ConfigFile, [$"--Gateway:H2cPort={h2cPort}"]);
        channel = GrpcChannel.ForAddress($"http://127.0.0.1:{h2cPort}");
    }

    public async Task DisposeAsync()
    {
        channel.Dispose();
        await gateway.DisposeAsync();
        await backend.DisposeAsync();
        folder.Dispose();
    }

    [Fact]
    public async Task Unary_ThroughGateway_ReplyHeadersAndTrailersIntact()
    {
        var client = new Greeter.GreeterClient(channel);

        using var call = client.SayHelloAsync(new HelloRequest { Name = "edge" });

        Assert.Equal("Hello edge", (await call.ResponseAsync).Message);
        Assert.Equal("unary", (await call.ResponseHeadersAsync).GetValue("x-greeter"));
        Assert.Equal(StatusCode.OK, call.GetStatus().StatusCode);
        Assert.Equal("unary-done", call.GetTrailers().GetValue("x-trailer"));
    }

    [Fact]
    public async Task ServerStreaming_ThroughGateway_AllMessagesThenTrailers()
    {
        var client = new Greeter.GreeterClient(channel);

        using var call = client.SayHelloStream(new HelloRequest { Name = "stream", Count = 25 });
        var messages = new List<string>();
        await foreach (var reply in call.ResponseStream.ReadAllAsync())
        {
            messages.Add(reply.Message);
        }

        Assert.Equal(Enumerable.Range(1, 25).Select(i => $"Hello stream #{i}"), messages);
        Assert.Equal("sent-25", call.GetTrailers().GetValue("x-trailer"));
    }

    [Fact]
    public async Task ServerStreaming_ErrorStatus_ReachesClient()
    {
        var client = new Greeter.GreeterClient(channel);

        using var call = client.SayHelloStream(new HelloRequest { Name = "fail", Count = 2 });
        var ex = await Assert.ThrowsAsync<RpcException>(async () =>
        {
            await foreach (var reply in call.ResponseStream.ReadAllAsync())
            {
                Assert.StartsWith("Hello fail", reply.Message, StringComparison.Ordinal);
            }
        });

        Assert.Equal(StatusCode.FailedPrecondition, ex.StatusCode);
        Assert.Equal("asked to fail", ex.Status.Detail);
    }
}
