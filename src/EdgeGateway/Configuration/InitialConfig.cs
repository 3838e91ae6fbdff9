using EdgeGateway.Hosting;
using EdgeGateway.Routing;

namespace EdgeGateway.Configuration;

/// <summary>The config the gateway starts with. Read on the main thread: a parallel Task.Run measured ~3 ms slower (it starts a pool thread early).</summary>
internal sealed record InitialConfig(GatewayRuntime Runtime, byte[] Content, bool WasSigned)
{
    public static InitialConfig Load(GatewaySettings settings)
    {
        var path = settings.Gateway.ConfigFile!;
        var load = FileConfigSource.LoadFile(path, settings.TrustKey, settings.Gateway.Id, TimeProvider.System);
        if (load.Runtime is null)
        {
            throw new StartupException([.. load.Problems.Select(p => $"config problem: {p}"),
                $"not starting: no valid config in '{Path.GetFullPath(path)}' (Gateway:ConfigFile); fix the problems above and start again"]);
        }

        return new InitialConfig(load.Runtime, load.Content!, load.WasSigned);
    }
}
