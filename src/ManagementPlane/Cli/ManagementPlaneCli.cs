using ManagementPlane.State;

namespace ManagementPlane.Cli;

/// <summary>
/// Operator subcommands that run and exit without listening: <c>export-keys</c>, <c>import-apiops</c>, <c>healthcheck</c>,
/// <c>settings</c>, <c>help</c>. Exit codes as the gateway's: 0 ok; 1 failed or not ready; 2 usage error (import-apiops
/// adds 3 and 4, see <see cref="ImportApiOpsCommand"/>).
/// </summary>
internal static class ManagementPlaneCli
{
    private static readonly string[] Commands = [KeyExport.Command, ImportApiOpsCommand.Command, "healthcheck", "settings", "help", "--help", "-h"];

    public static bool IsCommand(string[] args) => args.Length > 0 && Commands.Contains(args[0], StringComparer.Ordinal);

    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr) => args[0] switch
    {
        KeyExport.Command => await KeyExport.RunAsync(args, stdout, stderr),
        ImportApiOpsCommand.Command => await ImportApiOpsCommand.RunAsync(args[1..], stdout, stderr),
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
          import-apiops DIR [--url URL] [--admin-key-file FILE] [--dry-run] [--json]
                       [--named-values FILE] [--named-value NAME=VALUE]...
                                                  import an APIOps extractor folder through the running plane
                                                  (POST /import/apiops; admin key from the file or MANAGEMENT_ADMIN_KEY;
                                                  URL default MANAGEMENT_URL or http://127.0.0.1:5000) and print the
                                                  report; exit 0 all imported as is, 3 imported with changes or
                                                  ignored kinds, 4 refused (nothing applied), 1 failed, 2 usage
          healthcheck [--url URL] [--timeout S]   GET /healthz/ready of the plane on this machine (port from --urls,
                                                  ASPNETCORE_URLS or ASPNETCORE_HTTP_PORTS in the environment);
                                                  exit 0 ready, 1 anything else (usage errors too; never 2)
          settings [--names]                      list every setting the management plane reads (KEY DEFAULT MEANING)
          help                                    print this text
        """;
}
