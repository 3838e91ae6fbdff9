using EdgeGateway.Cli;
using EdgeGateway.Configuration;
using EdgeGateway.Hosting;

// Operator subcommands (keygen, sign, validate, ...) run and exit without starting a server.
if (GatewayCli.IsCommand(args))
{
    return await GatewayCli.RunAsync(args, Console.Out, Console.Error);
}

var builder = GatewayHostBuilder.Create(args);
try
{
    var settings = GatewaySettings.Read(builder.Configuration);
    GatewayHostBuilder.ConfigureKestrel(builder, settings.Gateway);

    // The first config is read before anything listens: no valid config, no server (exit 1).
    var initial = InitialConfig.Load(settings);
    builder.AddGateway(settings, initial);
}
catch (StartupException ex)
{
    StartupException.Report(ex);
    return 1;
}

var app = builder.Build();
app.UseGateway();
await app.RunAsync();
return 0;
