using System.IO.Compression;
using System.Text;
using ManagementPlane.Import.ApiOps;

namespace ManagementPlane.Tests.Import.ApiOps;

/// <summary>The realistic APIOps extract under apiops-sample/, as files, as a folder and as a zip, with changes for a case.</summary>
internal static class ApiOpsSample
{
    public static string Directory => Path.Combine(AppContext.BaseDirectory, "Import", "ApiOps", "apiops-sample");

    public static Dictionary<string, byte[]> Files(Dictionary<string, string?>? changes = null)
    {
        var files = System.IO.Directory.EnumerateFiles(Directory, "*", SearchOption.AllDirectories)
            .ToDictionary(f => Path.GetRelativePath(Directory, f).Replace('\\', '/'), File.ReadAllBytes);
        foreach (var (path, text) in changes ?? [])
        {
            if (text is null)
            {
                files.Remove(path);
            }
            else
            {
                files[path] = Encoding.UTF8.GetBytes(text);
            }
        }

        return files;
    }

    public static ApiOpsFolder Folder(Dictionary<string, string?>? changes = null) => new(Files(changes));

    public static byte[] Zip(Dictionary<string, string?>? changes = null, string prefix = "") => ZipOf(Files(changes), prefix);

    public static byte[] ZipOf(Dictionary<string, byte[]> files, string prefix = "")
    {
        using var buffer = new MemoryStream();
        using (var archive = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var (path, bytes) in files)
            {
                using var stream = archive.CreateEntry(prefix + path).Open();
                stream.Write(bytes);
            }
        }

        return buffer.ToArray();
    }

    public static readonly Dictionary<string, string> KeyVaultValue = new() { ["partner-secret"] = "s3cret-from-key-vault" };
}
