using Backup.Providers.Tests.Conformance;

namespace Backup.Providers.Tests.Disk;

public sealed class DiskObjectStoreConformanceTests : ConditionalWriteConformanceTests, IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("disk-store-").FullName;

    protected override IObjectStore CreateStore(int? listPageSize) => TestStores.Disk(_folder);

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
