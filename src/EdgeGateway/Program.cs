using EdgeGateway.Backup;
using EdgeGateway.Cli;
using EdgeGateway.Configuration;
using EdgeGateway.Hosting;
using EdgeGateway.Policies;
using EdgeGateway.Telemetry;

// Operator subcommands (keygen, sign, validate, check-backup, ...) run and exit without starting a server.
if (GatewayCli.IsCommand(args))
{
    return await GatewayCli.RunAsync(args, Console.Out, Console.Error);
}

var builder = GatewayHostBuilder.Create(args);
try
{
    var settings = GatewaySettings.Read(builder.Configuration);
    GatewayHostBuilder.ConfigureKestrel(builder, settings.Gateway);

    // Exporters only when configured (none: no OpenTelemetry provider is built); a malformed OTEL_* or Telemetry:* value exits 1 here.
    ExportSetup.Start(builder, settings);

    // The first config is found before anything listens (file, else backup; hybrid: backup, else the
    // management plane within ManagementPlane:StartupTimeout). No valid config in standalone mode: exit 1.
    var backups = SnapshotBackups.From(settings);
    var policyServices = PolicyServices.For(settings);
    var initial = await InitialConfig.LoadAsync(settings, backups, TimeProvider.System, policyServices);
    builder.AddGateway(settings, initial, backups, policyServices);
}
catch (StartupException ex)
{
    StartupException.Report(ex);
    return 1;
}

var app = builder.Build();
app.UseGateway();
await app.RunAsync();
return Environment.ExitCode;
