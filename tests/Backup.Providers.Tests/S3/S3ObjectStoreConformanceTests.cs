using Backup.Providers.Tests.Conformance;
using Backup.Providers.Tests.Emulators;

namespace Backup.Providers.Tests.S3;

/// <summary>
/// s3rver ignores conditional puts, so the store is configured with <c>ConditionalWrites=false</c> and runs the
/// base suite; the headers and the 412 mapping are proven against a fake endpoint (<see cref="S3ConditionalRequestTests"/>).
/// </summary>
[Collection(EmulatorCollection.Name)]
public sealed class S3ObjectStoreConformanceTests(EmulatorFixture emulators) : ObjectStoreConformanceTests
{
    protected override IObjectStore CreateStore(int? listPageSize) =>
        TestStores.S3(emulators.S3rver.Port, listPageSize: listPageSize, prefix: "gateways/prod");
}
