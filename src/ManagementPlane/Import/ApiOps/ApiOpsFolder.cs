using System.IO.Compression;

namespace ManagementPlane.Import.ApiOps;

/// <summary>Why a zip could not be read as an APIOps folder: too large (413) or malformed / unsafe (400).</summary>
internal sealed record FolderError(bool TooLarge, string Message);

/// <summary>
/// An APIOps extractor folder as relative paths ('/'-separated, compared ignoring case) and their bytes. Read from a
/// zip with its uncompressed size and entry count capped; an entry that is absolute, climbs out ('..'), or is a
/// symbolic link refuses the whole zip, so nothing outside the folder can be named.
/// </summary>
internal sealed class ApiOpsFolder
{
    /// <summary>The operator's values for Key Vault and other secret named values, inside the zip the CLI builds.</summary>
    public const string SuppliedValuesPath = ".edgegateway/named-values.json";

    public const int MaxEntries = 10_000;

    private const int UnixFileTypeMask = 0xF000;
    private const int UnixSymbolicLink = 0xA000;

    public ApiOpsFolder(IReadOnlyDictionary<string, byte[]> files) =>
        Files = new Dictionary<string, byte[]>(files.Select(f => KeyValuePair.Create(Normalize(f.Key), f.Value)), StringComparer.OrdinalIgnoreCase);

    public IReadOnlyDictionary<string, byte[]> Files { get; }

    public bool Exists(string path) => Files.ContainsKey(path);

    public byte[]? Read(string path) => Files.GetValueOrDefault(path);

    /// <summary>The distinct names of the folders directly under <paramref name="folder"/> ("" for the root).</summary>
    public IReadOnlyList<string> Folders(string folder)
    {
        var prefix = folder.Length == 0 ? "" : folder + "/";
        return Files.Keys
            .Where(p => p.StartsWith(prefix, StringComparison.OrdinalIgnoreCase) && p.IndexOf('/', prefix.Length) > prefix.Length)
            .Select(p => p[prefix.Length..p.IndexOf('/', prefix.Length)])
            .Distinct(StringComparer.OrdinalIgnoreCase)
            .Order(StringComparer.OrdinalIgnoreCase)
            .ToList();
    }

    /// <summary>Reads a zip; <paramref name="maxUncompressedBytes"/> bounds what its entries may expand to.</summary>
    public static (ApiOpsFolder? Folder, FolderError? Error) FromZip(byte[] zip, long maxUncompressedBytes)
    {
        var files = new Dictionary<string, byte[]>(StringComparer.OrdinalIgnoreCase);
        try
        {
            using var archive = new ZipArchive(new MemoryStream(zip, writable: false), ZipArchiveMode.Read);
            if (archive.Entries.Count > MaxEntries)
            {
                return (null, new FolderError(true, $"the zip has {archive.Entries.Count} entries; at most {MaxEntries} are read"));
            }

            long total = 0;
            foreach (var entry in archive.Entries)
            {
                if (((entry.ExternalAttributes >> 16) & UnixFileTypeMask) == UnixSymbolicLink)
                {
                    return (null, new FolderError(false, $"the zip entry '{entry.FullName}' is a symbolic link; links are not followed, put the file itself in the zip"));
                }

                var path = entry.FullName.Replace('\\', '/');
                if (path.StartsWith('/') || path.Contains(':') || path.Split('/').Any(s => s == ".."))
                {
                    return (null, new FolderError(false, $"the zip entry '{entry.FullName}' points outside the folder (absolute, a drive, or '..'); nothing was read"));
                }

                if (path.EndsWith('/'))
                {
                    continue;
                }

                // The declared length can lie; count what is actually inflated.
                using var stream = entry.Open();
                using var copy = new MemoryStream();
                var buffer = new byte[16 * 1024];
                int read;
                while ((read = stream.Read(buffer)) > 0)
                {
                    total += read;
                    if (total > maxUncompressedBytes)
                    {
                        return (null, new FolderError(true, $"the zip expands to more than {maxUncompressedBytes} bytes"));
                    }

                    copy.Write(buffer, 0, read);
                }

                if (!files.TryAdd(Normalize(path), copy.ToArray()))
                {
                    return (null, new FolderError(false, $"the zip holds '{entry.FullName}' twice"));
                }
            }
        }
        catch (InvalidDataException ex)
        {
            return (null, new FolderError(false, "the body is not a readable zip: " + ex.Message));
        }

        return (new ApiOpsFolder(StripCommonRoot(files)), null);
    }

    /// <summary>A zip made of the folder itself ('artifacts/apis/...') reads the same as one made of its content.</summary>
    private static Dictionary<string, byte[]> StripCommonRoot(Dictionary<string, byte[]> files)
    {
        var known = new[] { "apis", "products", "namedValues", "policyFragments", "gateways", "backends", "policy.xml", ".edgegateway" };
        while (files.Count > 0)
        {
            var first = files.Keys.Select(k => k.Split('/')[0]).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
            if (first.Count != 1 || files.Keys.Any(k => !k.Contains('/')) || known.Contains(first[0], StringComparer.OrdinalIgnoreCase))
            {
                break;
            }

            files = files.ToDictionary(f => f.Key[(first[0].Length + 1)..], f => f.Value, StringComparer.OrdinalIgnoreCase);
        }

        return files;
    }

    private static string Normalize(string path)
    {
        path = path.Replace('\\', '/');
        while (path.StartsWith("./", StringComparison.Ordinal))
        {
            path = path[2..];
        }

        return path;
    }
}
