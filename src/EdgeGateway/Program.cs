using EdgeGateway.Cli;
using EdgeGateway.Configuration;
using EdgeGateway.Hosting;

// Operator subcommands (keygen, sign, validate, ...) run and exit without starting a server.
if (GatewayCli.IsCommand(args))
{
    return await GatewayCli.RunAsync(args, Console.Out, Console.Error);
}

var builder = GatewayHostBuilder.Create(args);
GatewaySettings settings;
try
{
    settings = GatewaySettings.Read(builder.Configuration);
    GatewayHostBuilder.ConfigureKestrel(builder, settings.Gateway);
}
catch (StartupException ex)
{
    foreach (var failure in ex.Failures)
    {
        Console.Error.WriteLine($"EdgeGateway: {failure}");
    }

    return 1;
}

// Read on this thread: a parallel Task.Run measured ~3 ms slower (it starts a pool thread early).
var initialLoad = FileConfigSource.LoadFile(settings.Gateway.ConfigFile!, settings.TrustKey, TimeProvider.System);
builder.AddGateway(settings);

var app = builder.Build();
app.UseGateway();
return await app.RunGatewayAsync(initialLoad);
