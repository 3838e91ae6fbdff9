using ManagementPlane.Portal;
using ManagementPlane.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace ManagementPlane.Tests.Portal;

/// <summary>Sign-up, invitations and passwords through <see cref="IPortalAccounts"/>, as the portal's pages call them, on a plane whose clock the test drives.</summary>
public sealed class PortalAccountsTests : IAsyncLifetime
{
    private const string Password = "correct horse battery";
    private readonly FakeTimeProvider clock = new(new DateTimeOffset(2026, 6, 1, 12, 0, 0, TimeSpan.Zero));
    private TestPlane plane = null!;

    private IPortalAccounts Accounts => plane.Host.Services.GetRequiredService<IPortalAccounts>();

    public async Task InitializeAsync() => plane = await TestPlane.StartAsync(services: s => s.AddSingleton<TimeProvider>(clock));

    public async Task DisposeAsync() => await plane.DisposeAsync();

    [Fact]
    public async Task SignUp_ApprovalMode_IsPendingUntilAnAdminApproves()
    {
        var result = await Accounts.SignUpAsync("Ann@Example.com ", "Ann", Password, null, default);

        Assert.Equal(SignUpOutcome.Pending, result.Outcome);
        var id = result.Account!.Id;
        Assert.Equal(Accounts.IdFor("ann@example.com"), id);
        Assert.DoesNotContain("ann", id, StringComparison.OrdinalIgnoreCase);
        var pending = (await plane.GetJsonAsync("/accounts?state=pending"))["value"]!.AsArray();
        Assert.Equal(id, Assert.Single(pending)!["id"]!.GetValue<string>());

        var approved = await plane.PostJsonAsync($"/accounts/{id}/approve", "");
        Assert.Equal("active", approved["state"]!.GetValue<string>());
        Assert.Equal(clock.GetUtcNow(), approved["approvedAt"]!.GetValue<DateTimeOffset>());
        Assert.Equal(AccountStates.Active, (await Accounts.GetAsync(id, default))!.State);
        await Problem.AssertAsync(await plane.Client.PostAsync($"/accounts/{id}/approve", null), 409);
        await Problem.AssertAsync(await plane.Client.PostAsync($"/accounts/{id}/reject", null), 409);
    }

    [Fact]
    public async Task SignUp_SameEmailTwice_IsExistsAndKeepsTheFirstPassword()
    {
        await Accounts.SignUpAsync("bob@example.com", "Bob", Password, null, default);

        var again = await Accounts.SignUpAsync("BOB@example.com", "Mallory", "another password", null, default);

        Assert.Equal(SignUpOutcome.Exists, again.Outcome);
        Assert.Null(again.Account);
        Assert.NotNull(await Accounts.CheckPasswordAsync("bob@example.com", Password, default));
        Assert.Null(await Accounts.CheckPasswordAsync("bob@example.com", "another password", default));
    }

    [Theory]
    [InlineData("not-an-email", "Ann", Password, "Email")]
    [InlineData("ann@example.com", " ", Password, "Display name")]
    [InlineData("ann@example.com", "Ann", "short", "Password")]
    public async Task SignUp_BadField_IsInvalidNamingIt(string email, string name, string password, string field)
    {
        var result = await Accounts.SignUpAsync(email, name, password, null, default);

        Assert.Equal(SignUpOutcome.Invalid, result.Outcome);
        Assert.StartsWith(field, result.Problem);
        Assert.Equal(0, (await plane.GetJsonAsync("/accounts"))["count"]!.GetValue<int>());
    }

    [Fact]
    public async Task SignUp_InvitationMode_NeedsAnInvitationAndOneMakesTheAccountActive()
    {
        await plane.PutOkAsync("/portal-settings", """{"title":"Portal","signUp":"invitation"}""");

        var without = await Accounts.SignUpAsync("carol@example.com", "Carol", Password, null, default);
        Assert.Equal(SignUpOutcome.InvitationRequired, without.Outcome);

        var token = (await plane.PostJsonAsync("/invitations", "{}"))["token"]!.GetValue<string>();
        var with = await Accounts.SignUpAsync("carol@example.com", "Carol", Password, token, default);

        Assert.Equal(SignUpOutcome.Active, with.Outcome);
        Assert.Equal(AccountStates.Active, (await Accounts.CheckPasswordAsync("carol@example.com", Password, default))!.State);
    }

    [Fact]
    public async Task Invitation_UsedOnce_IsRefusedTheSecondTime()
    {
        var token = (await plane.PostJsonAsync("/invitations", ""))["token"]!.GetValue<string>();
        Assert.Equal(SignUpOutcome.Active, (await Accounts.SignUpAsync("dan@example.com", "Dan", Password, token, default)).Outcome);

        var second = await Accounts.SignUpAsync("erin@example.com", "Erin", Password, token, default);

        Assert.Equal(SignUpOutcome.InvitationRequired, second.Outcome);
        Assert.Null(await Accounts.GetAsync(Accounts.IdFor("erin@example.com"), default));
    }

    [Fact]
    public async Task Invitation_AfterItsExpiry_IsRefused_AndBeforeItWorks()
    {
        var late = (await plane.PostJsonAsync("/invitations", """{"expires":"01:00:00"}"""))["token"]!.GetValue<string>();
        var early = (await plane.PostJsonAsync("/invitations", """{"expires":"01:00:00"}"""))["token"]!.GetValue<string>();
        clock.Advance(TimeSpan.FromMinutes(59));
        Assert.Equal(SignUpOutcome.Active, (await Accounts.SignUpAsync("early@example.com", "Early", Password, early, default)).Outcome);

        clock.Advance(TimeSpan.FromMinutes(1));
        var expired = await Accounts.SignUpAsync("late@example.com", "Late", Password, late, default);

        Assert.Equal(SignUpOutcome.InvitationRequired, expired.Outcome);
    }

    [Fact]
    public async Task Invitation_ForAnEmail_IsRefusedToAnother()
    {
        var token = (await plane.PostJsonAsync("/invitations", """{"email":"Frank@Example.com"}"""))["token"]!.GetValue<string>();

        Assert.Equal(SignUpOutcome.InvitationRequired, (await Accounts.SignUpAsync("grace@example.com", "Grace", Password, token, default)).Outcome);
        Assert.Equal(SignUpOutcome.Active, (await Accounts.SignUpAsync("frank@example.com", "Frank", Password, token, default)).Outcome);
    }

    [Fact]
    public async Task Invitation_TokenIsNotInTheStore_OnlyItsHash()
    {
        var answer = await plane.PostJsonAsync("/invitations", "{}");
        var token = answer["token"]!.GetValue<string>();
        Assert.Equal("/portal/signup?invitation=" + token, answer["url"]!.GetValue<string>());

        var files = Directory.GetFiles(Path.Combine(plane.StorePath, "portal", "invitations"));
        var file = Assert.Single(files);
        Assert.DoesNotContain(token, Path.GetFileName(file), StringComparison.Ordinal);
        Assert.DoesNotContain(token, await File.ReadAllTextAsync(file), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"expires":"91.00:00:00"}""", "expires")]
    [InlineData("""{"expires":"-01:00:00"}""", "expires")]
    [InlineData("""{"expires":"next tuesday"}""", "expires")]
    [InlineData("""{"email":"nope"}""", "email")]
    [InlineData("""{"emial":"a@example.com"}""", "emial")]
    public async Task Invitation_BadRequest_Is400NamingTheField(string body, string path)
    {
        var problem = await Problem.AssertAsync(await plane.Client.PostAsync("/invitations", TestPlane.Json(body)), 400);

        Assert.Contains(path, Problem.ErrorPaths(problem));
    }

    [Fact]
    public async Task CheckPassword_WrongPasswordOrUnknownEmail_IsNull_AndPasswordIsNotStoredPlain()
    {
        var created = await plane.PostJsonAsync("/accounts", $$"""{"email":"hal@example.com","displayName":"Hal","password":"{{Password}}"}""");
        var id = created["id"]!.GetValue<string>();

        Assert.Null(await Accounts.CheckPasswordAsync("hal@example.com", "wrong password", default));
        Assert.Null(await Accounts.CheckPasswordAsync("nobody@example.com", Password, default));
        Assert.Equal(id, (await Accounts.CheckPasswordAsync(" HAL@example.com", Password, default))!.Id);
        var stored = await File.ReadAllTextAsync(Path.Combine(plane.StorePath, "portal", "accounts", id + ".json"));
        Assert.DoesNotContain(Password, stored, StringComparison.Ordinal);
        Assert.Null(created["passwordHash"]);
        Assert.Null(created["securityStamp"]);
    }

    [Fact]
    public async Task PendingAccount_Rejected_CannotBeApprovedAfterwards()
    {
        var id = (await Accounts.SignUpAsync("ivy@example.com", "Ivy", Password, null, default)).Account!.Id;

        Assert.Equal("rejected", (await plane.PostJsonAsync($"/accounts/{id}/reject", ""))["state"]!.GetValue<string>());

        await Problem.AssertAsync(await plane.Client.PostAsync($"/accounts/{id}/approve", null), 409);
        Assert.Equal(AccountStates.Rejected, (await Accounts.CheckPasswordAsync("ivy@example.com", Password, default))!.State);
    }
}
