using Backup.Providers.Tests.Conformance;
using Backup.Providers.Tests.Emulators;

namespace Backup.Providers.Tests.Blob;

[Collection(EmulatorCollection.Name)]
public sealed class BlobObjectStoreConformanceTests(EmulatorFixture emulators) : ConditionalWriteConformanceTests
{
    protected override IObjectStore CreateStore(int? listPageSize) =>
        TestStores.Blob(emulators.Azurite.Port, "conformance", createContainer: true, listPageSize);
}
