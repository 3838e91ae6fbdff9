using EdgeGateway.Backup;
using EdgeGateway.Contracts.Signing;
using EdgeGateway.Trust;
using Microsoft.Extensions.Time.Testing;

namespace EdgeGateway.Tests.Trust;

/// <summary>Trust:MaxSnapshotAge: a start from a backup is judged by the plane's last signed confirmation, on a fake clock.</summary>
public sealed class FreshnessTests : IDisposable
{
    private static readonly DateTimeOffset Confirmed = new(2026, 11, 1, 12, 0, 0, TimeSpan.Zero);
    private readonly System.Security.Cryptography.ECDsa plane = SigningKeys.Generate();
    private readonly FakeTimeProvider clock = new(Confirmed);

    public void Dispose() => plane.Dispose();

    private byte[] Confirmation(string gatewayId = "gw1", long revision = 7, System.Security.Cryptography.ECDsa? key = null) =>
        System.Text.Encoding.ASCII.GetBytes(new SnapshotConfirmation(gatewayId, revision, Confirmed).Sign(key ?? plane));

    private string? Check(byte[] confirmation, long restored = 7) =>
        Freshness.Check(confirmation, plane, "gw1", restored, TimeSpan.FromDays(7), clock.GetUtcNow());

    [Fact]
    public void Check_ConfirmedWithinMaxAge_Accepted_EvenWhenTheConfigNeverChanged()
    {
        clock.Advance(TimeSpan.FromDays(7));

        Assert.Null(Check(Confirmation()));
    }

    [Fact]
    public void Check_ConfirmationOlderThanMaxAge_Refused()
    {
        clock.Advance(TimeSpan.FromDays(7) + TimeSpan.FromSeconds(1));

        Assert.Contains("longer than Trust:MaxSnapshotAge (7.00:00:00)", Check(Confirmation()), StringComparison.Ordinal);
    }

    [Fact]
    public void Check_ConfirmationOlderThanMaxAge_DatesInIso8601_WhateverTheCulture()
    {
        using var german = GermanCulture.Use();
        clock.Advance(TimeSpan.FromDays(10.5));

        Assert.Equal("the management plane last confirmed this gateway's config at 2026-11-01T12:00:00Z, 10.5 days ago: "
            + "longer than Trust:MaxSnapshotAge (7.00:00:00)", Check(Confirmation()));
    }

    [Fact]
    public void Check_ConfirmationForAnotherGateway_Refused()
    {
        Assert.Equal("the backed-up confirmation is for gateway 'gw2', not 'gw1'", Check(Confirmation(gatewayId: "gw2")));
    }

    [Fact]
    public void Check_ConfirmationOfANewerRevisionThanTheBackup_Refused()
    {
        Assert.Contains("newer backups are missing", Check(Confirmation(revision: 9), restored: 7), StringComparison.Ordinal);
    }

    [Fact]
    public void Check_ConfirmationOfAnOlderRevision_AcceptedWhileRecent()
    {
        // Revision 7 was applied after the plane confirmed 6: it was current at least as recently as that confirmation.
        Assert.Null(Check(Confirmation(revision: 6), restored: 7));
    }

    [Fact]
    public void Check_ConfirmationSignedByAnotherKey_Refused()
    {
        using var other = SigningKeys.Generate();

        Assert.Contains("foreign or rotated key", Check(Confirmation(key: other)), StringComparison.Ordinal);
    }

    [Fact]
    public void Check_SignedSnapshotPassedOffAsConfirmation_Refused()
    {
        var snapshot = SignedSnapshot.Sign("""{"gatewayId":"gw1","revision":7,"issuedAt":"2026-11-01T12:00:00+00:00"}"""u8, plane);

        Assert.Contains("not 'edgegateway-confirmation+json'", Check(snapshot), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null, 60)]
    [InlineData("1.00:00:00", 60)]
    [InlineData("00:02:00", 30)]
    public void ConfirmationRefresh_AtMostAMinute_AQuarterOfAShortMaxAge(string? maxAge, int expectedSeconds)
    {
        Assert.Equal(TimeSpan.FromSeconds(expectedSeconds), BackupWriter.ConfirmationRefresh(maxAge is null ? null : TimeSpan.Parse(maxAge, System.Globalization.CultureInfo.InvariantCulture)));
    }
}
