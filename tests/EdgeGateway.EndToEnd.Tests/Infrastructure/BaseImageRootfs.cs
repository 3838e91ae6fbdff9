using System.Diagnostics;
using System.Formats.Tar;
using System.Text;
using System.Text.RegularExpressions;

namespace EdgeGateway.EndToEnd.Tests.Infrastructure;

/// <summary>
/// The root filesystem of a stand-in for Microsoft's runtime-deps chiseled image, made from this machine's own files
/// because no registry is reachable: exactly the shared libraries the binaries link (ldd), the OpenSSL libraries .NET
/// loads at run time for hashing, signatures and TLS (dlopen, so ldd does not list them), the CA bundle, and
/// /etc/passwd and /etc/group with root and the chiseled images' <c>app</c> user (uid 1654). No shell, no package
/// manager, nothing else: what works on it needs nothing more from a base. ICU and tzdata are left out, as in the
/// chiseled image: both binaries are built with InvariantGlobalization and use no named time zones.
/// </summary>
public static partial class BaseImageRootfs
{
    public const int AppUid = 1654;

    /// <summary>Writes the tar that <c>podman import</c> turns into the base image.</summary>
    public static async Task WriteAsync(string tarPath, params string[] binaries)
    {
        var libraries = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var binary in binaries)
        {
            foreach (var library in await LinkedLibrariesAsync(binary))
            {
                libraries.Add(library);
            }
        }

        var libc = libraries.FirstOrDefault(l => Path.GetFileName(l) == "libc.so.6")
            ?? throw new InvalidOperationException($"ldd lists no libc.so.6 for {string.Join(", ", binaries)}");
        foreach (var name in (string[])["libssl.so.3", "libcrypto.so.3"])
        {
            libraries.Add(FindBeside(libc, name));
        }

        await using var tar = File.Create(tarPath);
        await using var writer = new TarWriter(tar, TarEntryFormat.Pax, leaveOpen: false);
        var directories = new HashSet<string>(StringComparer.Ordinal);
        foreach (var library in libraries)
        {
            // Each at the path the loader asks for (/lib64/ld-linux-x86-64.so.2, /lib/x86_64-linux-gnu/...), the link's target's bytes.
            await AddFileAsync(writer, directories, library, File.ReadAllBytes(library), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
                | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        }

        const string caBundle = "/etc/ssl/certs/ca-certificates.crt";
        if (File.Exists(caBundle))
        {
            await AddFileAsync(writer, directories, caBundle, File.ReadAllBytes(caBundle), ReadOnly);
        }

        await AddFileAsync(writer, directories, "/etc/passwd",
            Encoding.ASCII.GetBytes($"root:x:0:0:root:/root:/sbin/nologin\napp:x:{AppUid}:{AppUid}:app:/home/app:/sbin/nologin\n"), ReadOnly);
        await AddFileAsync(writer, directories, "/etc/group", Encoding.ASCII.GetBytes($"root:x:0:\napp:x:{AppUid}:\n"), ReadOnly);
        await AddDirectoryAsync(writer, directories, "/tmp", UnixFileMode.StickyBit | (UnixFileMode)0b111_111_111, 0);
        await AddDirectoryAsync(writer, directories, "/home/app", (UnixFileMode)0b111_101_101, AppUid);
    }

    private const UnixFileMode ReadOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;

    /// <summary>The absolute paths ldd prints: "libc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x...)" and "/lib64/ld-linux-x86-64.so.2 (0x...)".</summary>
    private static async Task<List<string>> LinkedLibrariesAsync(string binary)
    {
        var psi = new ProcessStartInfo("ldd", [binary]) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var ldd = Process.Start(psi) ?? throw new InvalidOperationException("ldd could not be started");
        var output = await ldd.StandardOutput.ReadToEndAsync();
        var errors = await ldd.StandardError.ReadToEndAsync();
        await ldd.WaitForExitAsync();
        if (ldd.ExitCode != 0)
        {
            throw new InvalidOperationException($"ldd {binary} exited with {ldd.ExitCode}: {errors}");
        }

        return [.. LddPath().Matches(output).Select(m => m.Groups["path"].Value)];
    }

    [GeneratedRegex(@"(?:=>\s+|^\s*)(?<path>/\S+)\s+\(0x", RegexOptions.Multiline)]
    private static partial Regex LddPath();

    private static string FindBeside(string libc, string name)
    {
        foreach (var dir in (string[])[Path.GetDirectoryName(libc)!, "/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu", "/lib/aarch64-linux-gnu", "/usr/lib/aarch64-linux-gnu", "/usr/lib64", "/lib64"])
        {
            var candidate = Path.Combine(dir, name);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException($"{name} not found beside {libc}: install libssl3");
    }

    private static async Task AddFileAsync(TarWriter writer, HashSet<string> directories, string path, byte[] content, UnixFileMode mode)
    {
        await AddParentsAsync(writer, directories, path);
        var entry = new PaxTarEntry(TarEntryType.RegularFile, path.TrimStart('/')) { Mode = mode, DataStream = new MemoryStream(content) };
        await writer.WriteEntryAsync(entry);
    }

    private static async Task AddDirectoryAsync(TarWriter writer, HashSet<string> directories, string path, UnixFileMode mode, int owner)
    {
        await AddParentsAsync(writer, directories, path);
        directories.Add(path);
        await writer.WriteEntryAsync(new PaxTarEntry(TarEntryType.Directory, path.TrimStart('/') + "/") { Mode = mode, Uid = owner, Gid = owner });
    }

    private static async Task AddParentsAsync(TarWriter writer, HashSet<string> directories, string path)
    {
        var parent = Path.GetDirectoryName(path);
        if (parent is null or "/" || directories.Contains(parent))
        {
            return;
        }

        await AddDirectoryAsync(writer, directories, parent, (UnixFileMode)0b111_101_101, 0);
    }
}
