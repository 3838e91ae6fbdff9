using Backup.Providers.Tests.Emulators;

namespace EdgeGateway.EndToEnd.Tests.Infrastructure;

/// <summary>
/// Classes that load both cores by themselves (ten gateways at once, 10,000-API snapshots killed mid-backup) run after
/// the parallel ones, one at a time, so their deadlines are not shared with other classes' processes. They get the
/// storage emulators of their own.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class RunAlone : ICollectionFixture<EmulatorFixture>
{
    public const string Name = "Heavy end-to-end classes, run alone";
}
