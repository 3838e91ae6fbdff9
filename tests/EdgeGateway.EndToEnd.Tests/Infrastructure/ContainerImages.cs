using System.Text.RegularExpressions;
using Backup.Providers.Tests.Emulators;

namespace EdgeGateway.EndToEnd.Tests.Infrastructure;

/// <summary>
/// Both images built once per test class from the repository's Dockerfile, as CI would build them: the published
/// binaries (EDGEGATEWAY_BIN, MANAGEMENTPLANE_BIN) through <c>--build-arg BINARIES=prebuilt</c>, on a local base
/// (<see cref="BaseImageRootfs"/>) named through <c>--build-arg RUNTIME_BASE</c>, in Docker format so the HEALTHCHECK
/// is kept (OCI images have none). Azurite runs beside them for the Blob stores. Every image, stage image and container
/// carries this run's id and is removed at the end; images and containers also carry <see cref="Label"/>, and whatever
/// an earlier, killed test host left with it is swept at the start (containers run detached under conmon, outside the
/// test host's process tree, so a killed host leaves them running).
/// </summary>
public sealed partial class ContainerImages : IAsyncLifetime
{
    private readonly List<string> tags = [];
    private readonly List<string> stageImages = [];
    private string context = "";

    /// <summary>On every image and container the tests create: what the sweep removes.</summary>
    public const string Label = "edgegateway-test=1";

    public string RunId { get; } = "eg" + Guid.NewGuid().ToString("N")[..10];

    public string BaseImage => $"localhost/edgegateway-base-test:{RunId}";

    public string GatewayImage => $"localhost/edgegateway-test:{RunId}-gateway";

    public string ManagementImage => $"localhost/edgegateway-test:{RunId}-management";

    /// <summary>Azurite (and s3rver) from tests/emulators, installed there first if needed.</summary>
    private readonly EmulatorFixture emulators = new();

    public EmulatorProcess Azurite => emulators.Azurite;

    public async Task InitializeAsync()
    {
        await SweepAsync();
        var started = emulators.InitializeAsync();
        context = Directory.CreateTempSubdirectory("eg-image-").FullName;
        try
        {
            await BuildImagesAsync();
            await started;
        }
        catch
        {
            // xunit does not dispose a fixture whose start failed: remove what was made so far, then report the failure.
            await started.ContinueWith(_ => { }, TaskScheduler.Default);
            await DisposeAsync();
            throw;
        }
    }

    private async Task BuildImagesAsync()
    {
        var gateway = Stage("EdgeGateway", GatewayBinary.Executable);
        var management = Stage("ManagementPlane", ManagementPlaneProcess.Executable);
        File.Copy(Path.Combine(GatewayBinary.RepoRoot, "Dockerfile"), Path.Combine(context, "Dockerfile"));
        // The prebuilt stages COPY global.json beside the binary (a file every clone has; see the Dockerfile).
        File.Copy(Path.Combine(GatewayBinary.RepoRoot, "global.json"), Path.Combine(context, "global.json"));
        File.Copy(Path.Combine(GatewayBinary.RepoRoot, ".dockerignore"), Path.Combine(context, ".dockerignore"));
        CopyFolder(Path.Combine(GatewayBinary.RepoRoot, "container"), Path.Combine(context, "container"));

        var rootfs = Path.Combine(context, "base-rootfs.tar");
        await BaseImageRootfs.WriteAsync(rootfs, gateway, management);
        await Podman.CheckAsync("import", "--change", $"LABEL {Label}", rootfs, BaseImage);
        File.Delete(rootfs);

        await BuildAsync("gateway", GatewayImage);
        await BuildAsync("management", ManagementImage);
    }

    /// <summary>The folders the Dockerfile copies from the context (the management image's empty /data), as they are in the repository.</summary>
    private static void CopyFolder(string from, string to)
    {
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }

    /// <summary>The build context: the Dockerfile, its .dockerignore and the binaries where the Dockerfile's PREBUILT_DIR expects them.</summary>
    private string Stage(string project, string binary)
    {
        var target = Path.Combine(context, "artifacts", "publish", project, project);
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        File.Copy(binary, target);
        return target;
    }

    private async Task BuildAsync(string target, string tag)
    {
        var build = await Podman.RunAsync(["build", "--format", "docker", .. Podman.Ulimits, "--label", Label, "--target", target,
            "--build-arg", "BINARIES=prebuilt", "--build-arg", $"RUNTIME_BASE={BaseImage}", "-t", tag, context]);

        // Each stage's image ("--> 1a2b3c...") stays behind untagged: ours to remove too.
        tags.Add(tag);
        stageImages.AddRange(StageImage().Matches(build.Stdout).Select(m => m.Groups["id"].Value));
        if (build.ExitCode != 0)
        {
            throw new InvalidOperationException($"podman build --target {target} exited with {build.ExitCode}:\n{build.Output}");
        }
    }

    [GeneratedRegex(@"^--> (?<id>[0-9a-f]{10,})\s*$", RegexOptions.Multiline)]
    private static partial Regex StageImage();

    /// <summary>A container of this run (name prefixed with the run id); remove it with DisposeAsync.</summary>
    public Task<TestContainer> RunAsync(string name, string image, IDictionary<string, string> env, IEnumerable<string>? options = null) =>
        TestContainer.RunAsync($"{RunId}-{name}", image, env, options ?? []);

    /// <summary>
    /// The type, owner (uid:gid) and octal mode of a path inside an image, and for a directory how many entries it
    /// holds, read from the image's mounted root filesystem: "directory 1654:1654 755, 0 entries".
    /// </summary>
    public static async Task<string> StatInImageAsync(string image, string path)
    {
        var root = (await Podman.CheckAsync("image", "mount", image)).Trim();
        try
        {
            var stat = await Infra.ToolRun.RunAsync("stat", ["-c", "%F %u:%g %a", root + path]);
            if (stat.ExitCode != 0)
            {
                return $"stat {path}: {stat.Output}";
            }

            var entries = Directory.Exists(root + path) ? Directory.EnumerateFileSystemEntries(root + path).Count() : 0;
            return $"{stat.Stdout.Trim()}, {entries} entries";
        }
        finally
        {
            await Podman.TryAsync("image", "unmount", image);
        }
    }

    /// <summary>Containers and images with <see cref="Label"/>, of any run: a killed test host's leftovers (or this run's).</summary>
    private static async Task SweepAsync()
    {
        await Podman.TryAsync("rm", "--force", "--time", "0", "--filter", $"label={Label}");
        var images = await Podman.RunAsync(["images", "--filter", $"label={Label}", "--format", "{{.ID}}"], TimeSpan.FromSeconds(60));
        foreach (var id in images.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Distinct())
        {
            await Podman.TryAsync("rmi", "--force", id);
        }

        await Podman.TryAsync("image", "prune", "--force", "--filter", $"label={Label}");
    }

    public async Task DisposeAsync()
    {
        // Containers are removed by the tests; anything left (a test that failed half-way) goes with its run id.
        var leftovers = await Podman.RunAsync(["ps", "-a", "--filter", $"name={RunId}", "--format", "{{.Names}}"], TimeSpan.FromSeconds(60));
        foreach (var name in leftovers.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            await Podman.TryAsync("rm", "-f", "-t", "0", name);
        }

        // Children before parents: the tagged images (which take their untagged parents along), what is left of the stages, the base.
        foreach (var image in tags.Concat(Enumerable.Reverse(stageImages)).Append(BaseImage))
        {
            await Podman.TryAsync("rmi", image);
        }

        await SweepAsync();
        await emulators.DisposeAsync();

        try
        {
            Directory.Delete(context, recursive: true);
        }
        catch (IOException)
        {
            // best effort
        }
    }
}
