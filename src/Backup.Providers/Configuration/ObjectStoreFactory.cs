using Backup.Providers.Blob;
using Backup.Providers.Disk;
using Backup.Providers.Errors;
using Backup.Providers.S3;
using Microsoft.Extensions.Configuration;

namespace Backup.Providers.Configuration;

/// <summary>
/// Creates a store from a configuration section laid out as <c>Provider</c>, <c>Disk:*</c>, <c>Blob:*</c>, <c>S3:*</c>
/// (the gateway's <c>Backup</c> and the management plane's <c>Management:Store</c>). Options are bound by the
/// configuration-binding source generator and validated here; every error names the exact setting.
/// No I/O happens here except creating the disk folder; network stores connect on first use.
/// </summary>
public static class ObjectStoreFactory
{
    /// <summary>Creates the store configured in <paramref name="section"/>, named by its own path in messages.</summary>
    public static IObjectStore? Create(IConfigurationSection section, string defaultProvider = ObjectStoreProviders.None, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(section);
        return Create(section, section.Path, defaultProvider, timeProvider);
    }

    /// <summary>
    /// Creates the store configured in <paramref name="section"/>, or <see langword="null"/> for provider <c>none</c>.
    /// </summary>
    /// <param name="section">The section holding <c>Provider</c> and the per-provider sub-sections.</param>
    /// <param name="sectionPathForMessages">How to name the section in errors, e.g. <c>Backup</c>.</param>
    /// <param name="defaultProvider">The provider when <c>Provider</c> is not set.</param>
    /// <param name="timeProvider">The clock for lock waits; <see cref="TimeProvider.System"/> when <see langword="null"/>.</param>
    /// <exception cref="ObjectStoreException">The configuration is invalid; the message names the setting.</exception>
    public static IObjectStore? Create(IConfigurationSection section, string sectionPathForMessages, string defaultProvider, TimeProvider? timeProvider)
    {
        ArgumentNullException.ThrowIfNull(section);
        ArgumentException.ThrowIfNullOrWhiteSpace(sectionPathForMessages);
        var path = sectionPathForMessages;
        var provider = section["Provider"];
        provider = string.IsNullOrWhiteSpace(provider) ? defaultProvider : provider.Trim();

        return provider.ToLowerInvariant() switch
        {
            ObjectStoreProviders.None => null,
            ObjectStoreProviders.Disk => CreateDisk(Bind(section, "Disk", path, static s => { var o = new DiskStoreOptions(); s.Bind(o); return o; }), $"{path}:Disk", timeProvider ?? TimeProvider.System),
            ObjectStoreProviders.Blob => BlobStoreBuilder.Build(Validated(Bind(section, "Blob", path, static s => { var o = new BlobStoreOptions(); s.Bind(o); return o; }), $"{path}:Blob", static (o, p, e) => o.Validate(p, e)), $"{path}:Blob"),
            ObjectStoreProviders.S3 => S3StoreBuilder.Build(Validated(Bind(section, "S3", path, static s => { var o = new S3StoreOptions(); s.Bind(o); return o; }), $"{path}:S3", static (o, p, e) => o.Validate(p, e)), $"{path}:S3"),
            _ => throw StoreErrors.Configuration(path, $"{path}:Provider", $"{path}:Provider is '{provider}'; expected none, disk, blob or s3."),
        };
    }

    private static DiskObjectStore CreateDisk(DiskStoreOptions options, string path, TimeProvider timeProvider)
    {
        Validated(options, path, static (o, p, e) => o.Validate(p, e));
        var root = System.IO.Path.GetFullPath(options.Path!);
        var name = $"disk ({root})";
        try
        {
            Directory.CreateDirectory(root);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new ObjectStoreException(name, $"{name}: the folder in {path}:Path cannot be created: {ex.Message}", $"{path}:Path", ex);
        }

        var descriptor = new StoreDescriptor(
            name,
            $"{path}:Path",
            $"Check that the folder in {path}:Path exists and was not removed while running.",
            $"{path}:Path",
            $"Check that the process may read and write the folder in {path}:Path.");
        return new DiskObjectStore(root, options.LockTimeout, timeProvider, descriptor);
    }

    private static T Bind<T>(IConfigurationSection parent, string name, string path, Func<IConfigurationSection, T> bind)
    {
        try
        {
            // Each bind call is on a concrete type, so the configuration-binding source generator intercepts it: no reflection.
            return bind(parent.GetSection(name));
        }
        catch (InvalidOperationException ex)
        {
            // The binder's message names the setting ("...value at 'Backup:Disk:LockTimeout' to type...").
            throw StoreErrors.Configuration(path, $"{path}:{name}", ex.Message);
        }
    }

    private static T Validated<T>(T options, string path, Action<T, string, List<string>> validate)
    {
        var errors = new List<string>();
        validate(options, path, errors);
        return errors.Count == 0
            ? options
            : throw StoreErrors.Configuration(path, FirstSetting(errors[0], path), "invalid settings: " + string.Join(" ", errors));
    }

    private static string FirstSetting(string error, string path)
    {
        // Errors start with (or contain) the full setting name; report the first as ObjectStoreException.Setting.
        var start = error.IndexOf(path + ":", StringComparison.Ordinal);
        if (start < 0)
        {
            return path;
        }

        var end = start + path.Length + 1;
        while (end < error.Length && char.IsAsciiLetterOrDigit(error[end]))
        {
            end++;
        }

        return error[start..end];
    }
}
