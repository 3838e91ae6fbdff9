using Backup.Providers.Configuration;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Backup.Providers.Tests.Configuration;

public sealed class ObjectStoreFactoryTests
{
    private static ObjectStoreException CreateFails(params (string Key, string? Value)[] settings) =>
        Assert.Throws<ObjectStoreException>(() => TestStores.Create(settings));

    [Fact]
    public void Create_ProviderNone_ReturnsNull()
    {
        var section = TestStores.Section([KeyValuePair.Create("Backup:Provider", (string?)"none")]);

        Assert.Null(ObjectStoreFactory.Create(section));
    }

    [Fact]
    public void Create_ProviderMissing_UsesDefaultProvider()
    {
        var folder = Directory.CreateTempSubdirectory("factory-").FullName;
        var section = TestStores.Section([KeyValuePair.Create("Management:Store:Disk:Path", (string?)folder)], "Management:Store");

        var store = ObjectStoreFactory.Create(section, ObjectStoreProviders.Disk);

        Assert.NotNull(store);
        Assert.StartsWith("disk", store.Name, StringComparison.Ordinal);
        Directory.Delete(folder, recursive: true);
    }

    [Fact]
    public void Create_UnknownProvider_NamesProviderSetting()
    {
        var error = CreateFails(("Backup:Provider", "ftp"));

        Assert.Equal("Backup:Provider", error.Setting);
        Assert.Contains("expected none, disk, blob or s3", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Create_DiskWithoutPath_NamesPathSetting()
    {
        var error = CreateFails(("Backup:Provider", "disk"));

        Assert.Equal("Backup:Disk:Path", error.Setting);
    }

    [Fact]
    public void Create_BadTimeSpan_NamesTheSetting()
    {
        var error = CreateFails(("Backup:Provider", "disk"), ("Backup:Disk:Path", "/tmp/x"), ("Backup:Disk:LockTimeout", "soon"));

        Assert.Contains("Backup:Disk:LockTimeout", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Create_BlobWithoutCredentialsOrContainer_NamesEverySetting()
    {
        var error = CreateFails(("Backup:Provider", "blob"));

        Assert.Equal("Backup:Blob:ConnectionString", error.Setting);
        Assert.Contains("Backup:Blob:ServiceUri", error.Message, StringComparison.Ordinal);
        Assert.Contains("Backup:Blob:Container is required", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Create_BlobBadContainerName_NamesContainerSetting()
    {
        var error = CreateFails(("Backup:Provider", "blob"), ("Backup:Blob:ServiceUri", "https://acct.blob.core.windows.net"), ("Backup:Blob:Container", "Bad_Name"));

        Assert.Equal("Backup:Blob:Container", error.Setting);
    }

    [Fact]
    public void Create_BlobMalformedConnectionString_NamesSettingWithoutEchoingIt()
    {
        var error = CreateFails(("Backup:Provider", "blob"), ("Backup:Blob:ConnectionString", "AccountKey=secret-value;nonsense"), ("Backup:Blob:Container", "backups"));

        Assert.Equal("Backup:Blob:ConnectionString", error.Setting);
        Assert.DoesNotContain("secret-value", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Create_BlobServiceUriOverHttp_NamesServiceUriSetting()
    {
        var error = CreateFails(("Backup:Provider", "blob"), ("Backup:Blob:ServiceUri", "http://127.0.0.1:10000/devstoreaccount1"), ("Backup:Blob:Container", "backups"));

        Assert.Equal("Backup:Blob:ServiceUri", error.Setting);
        Assert.Contains("https", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Create_BlobWithServiceUri_UsesManagedIdentityWithoutNetworkAtStart()
    {
        var store = TestStores.Create(("Backup:Provider", "blob"), ("Backup:Blob:ServiceUri", "https://acct.blob.core.windows.net"), ("Backup:Blob:Container", "backups"));

        Assert.Equal("blob (container 'backups')", store.Name);
        Assert.True(store.Capabilities.SupportsConditionalWrites);
    }

    [Fact]
    public void Create_S3WithoutBucket_NamesBucketSetting()
    {
        var error = CreateFails(("Backup:Provider", "s3"), ("Backup:S3:Region", "eu-west-1"));

        Assert.Equal("Backup:S3:Bucket", error.Setting);
    }

    [Fact]
    public void Create_S3AccessKeyWithoutSecret_NamesBothSettings()
    {
        var error = CreateFails(("Backup:Provider", "s3"), ("Backup:S3:Bucket", "backups"), ("Backup:S3:Region", "eu-west-1"), ("Backup:S3:AccessKeyId", "AKID"));

        Assert.Contains("Backup:S3:SecretAccessKey", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Create_S3InvalidPrefix_NamesPrefixSetting()
    {
        var error = CreateFails(("Backup:Provider", "s3"), ("Backup:S3:Bucket", "backups"), ("Backup:S3:Region", "eu-west-1"), ("Backup:S3:Prefix", "../escape"));

        Assert.Equal("Backup:S3:Prefix", error.Setting);
    }

    [Fact]
    public void Create_ManagementStoreSection_NamesSettingsUnderItsOwnRoot()
    {
        var section = TestStores.Section([KeyValuePair.Create("Management:Store:Provider", (string?)"s3")], "Management:Store");

        var error = Assert.Throws<ObjectStoreException>(() => ObjectStoreFactory.Create(section));

        Assert.Equal("Management:Store:S3:Bucket", error.Setting);
    }

    [Fact]
    public void AddObjectStore_DiskProvider_RegistersOneStore()
    {
        var folder = Directory.CreateTempSubdirectory("factory-").FullName;
        var configuration = new ConfigurationBuilder().AddInMemoryCollection([
            KeyValuePair.Create("Backup:Provider", (string?)"disk"),
            KeyValuePair.Create("Backup:Disk:Path", (string?)folder),
        ]).Build();

        using var services = new ServiceCollection().AddObjectStore(configuration, "Backup").BuildServiceProvider();

        Assert.StartsWith("disk", services.GetRequiredService<IObjectStore>().Name, StringComparison.Ordinal);
        Directory.Delete(folder, recursive: true);
    }

    [Fact]
    public void AddObjectStore_ProviderNone_RegistersNothing()
    {
        var configuration = new ConfigurationBuilder().Build();

        using var services = new ServiceCollection().AddObjectStore(configuration, "Backup").BuildServiceProvider();

        Assert.Null(services.GetService<IObjectStore>());
    }

    [Fact]
    public void AddObjectStore_InvalidSettings_ThrowsAtRegistration()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection([KeyValuePair.Create("Backup:Provider", (string?)"blob")]).Build();

        Assert.Throws<ObjectStoreException>(() => new ServiceCollection().AddObjectStore(configuration, "Backup"));
    }
}
