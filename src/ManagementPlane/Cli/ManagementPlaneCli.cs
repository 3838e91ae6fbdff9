using ManagementPlane.State;

namespace ManagementPlane.Cli;

/// <summary>
/// Operator subcommands that run and exit without listening: <c>export-keys</c>, <c>healthcheck</c>, <c>settings</c>,
/// <c>help</c>. Exit codes as the gateway's: 0 ok; 1 failed or not ready; 2 usage error.
/// </summary>
internal static class ManagementPlaneCli
{
    private static readonly string[] Commands = [KeyExport.Command, "healthcheck", "settings", "help", "--help", "-h"];

    public static bool IsCommand(string[] args) => args.Length > 0 && Commands.Contains(args[0], StringComparer.Ordinal);

    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr) => args[0] switch
    {
        KeyExport.Command => await KeyExport.RunAsync(args, stdout, stderr),
        "healthcheck" => await HealthcheckCommand.RunAsync(args[1..], stderr),
        "settings" => PlaneSettingsList.Build().Print("ManagementPlane", args.AsSpan(1), stdout, stderr),
        _ => Help(stdout),
    };

    private static int Help(TextWriter stdout)
    {
        stdout.WriteLine(HelpText);
        return 0;
    }

    private const string HelpText = """
        ManagementPlane: the EdgeGateway management plane (admin API, snapshots for hybrid gateways).

        Run it:  ManagementPlane [--urls http://127.0.0.1:5000] [--Management:Store:Provider=...] [other settings]
        Subcommands:
          export-keys --out DIR                   write keys an earlier version kept in the state store to files
          healthcheck [--url URL] [--timeout S]   GET /healthz/ready of the plane on this machine (port from --urls,
                                                  ASPNETCORE_URLS or ASPNETCORE_HTTP_PORTS in the environment);
                                                  exit 0 ready, 1 anything else (usage errors too; never 2)
          settings [--names]                      list every setting the management plane reads (KEY DEFAULT MEANING)
          help                                    print this text
        """;
}
