using System.Text.Json.Nodes;
using ManagementPlane.Portal;
using ManagementPlane.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace ManagementPlane.Tests.Portal;

/// <summary>Consumers' subscriptions (<see cref="IConsumerSubscriptions"/>) and what admins do to them and their accounts.</summary>
public sealed class PortalSubscriptionsTests : IAsyncLifetime
{
    private TestPlane plane = null!;

    private IConsumerSubscriptions Subscriptions => plane.Host.Services.GetRequiredService<IConsumerSubscriptions>();

    public async Task InitializeAsync()
    {
        plane = await TestPlane.StartAsync();
        await plane.PutOkAsync("/apis/echo", """{"path":"/echo","backend":{"urls":["http://127.0.0.1:9"]}}""");
        await plane.PutOkAsync("/products/starter", """{"name":"Starter","apis":["echo"]}""");
        await plane.PutOkAsync("/products/gold", """{"name":"Gold","apis":["echo"],"approvalRequired":true}""");
        await plane.PutOkAsync("/products/hidden", """{"apis":["echo"],"state":"notPublished"}""");
    }

    public async Task DisposeAsync() => await plane.DisposeAsync();

    [Fact]
    public async Task Subscribe_PublishedProduct_IsActiveWithKeys_AndAnOrdinarySubscriptionOwnedByTheAccount()
    {
        var ann = await AccountAsync("ann");

        var (change, subscription) = await Subscriptions.SubscribeAsync(ann, "starter", " Ann's app ", default);

        Assert.Equal(SubscriptionChange.Done, change);
        Assert.Equal("active", subscription!.State);
        Assert.Equal("starter", subscription.ProductId);
        Assert.Equal("Ann's app", subscription.Name);
        var secrets = await plane.PostJsonAsync($"/subscriptions/{subscription.Id}/list-secrets", "");
        Assert.Equal(secrets["primaryKey"]!.GetValue<string>(), subscription.PrimaryKey);
        Assert.Equal(secrets["secondaryKey"]!.GetValue<string>(), subscription.SecondaryKey);
        var listed = Assert.Single((await plane.GetJsonAsync("/subscriptions"))["value"]!.AsArray())!;
        Assert.Equal(ann, listed["ownerId"]!.GetValue<string>());
        Assert.Equal("products/starter", listed["scope"]!.GetValue<string>());
    }

    [Fact]
    public async Task Subscribe_UnpublishedUnknownOrBadName_IsRefused_AndNothingIsCreated()
    {
        var ann = await AccountAsync("ann");

        Assert.Equal(SubscriptionChange.NotFound, (await Subscriptions.SubscribeAsync(ann, "hidden", null, default)).Change);
        Assert.Equal(SubscriptionChange.NotFound, (await Subscriptions.SubscribeAsync(ann, "nope", null, default)).Change);
        Assert.Equal(SubscriptionChange.NotFound, (await Subscriptions.SubscribeAsync(ann, "../x", null, default)).Change);
        Assert.Equal(SubscriptionChange.Invalid, (await Subscriptions.SubscribeAsync(ann, "starter", new string('n', 101), default)).Change);
        Assert.Equal(SubscriptionChange.NotAllowed, (await Subscriptions.SubscribeAsync(new string('0', 32), "starter", null, default)).Change);

        Assert.Equal(0, (await plane.GetJsonAsync("/subscriptions"))["count"]!.GetValue<int>());
    }

    [Fact]
    public async Task Subscribe_ProductNeedingApproval_IsSubmittedWithoutKeys_UntilAnAdminApproves()
    {
        var ann = await AccountAsync("ann");

        var (_, submitted) = await Subscriptions.SubscribeAsync(ann, "gold", null, default);

        Assert.Equal("submitted", submitted!.State);
        Assert.Null(submitted.PrimaryKey);
        var approved = await plane.PostJsonAsync($"/subscriptions/{submitted.Id}/approve", "");
        Assert.Equal("active", approved["state"]!.GetValue<string>());
        Assert.NotNull(Assert.Single(await Subscriptions.ListAsync(ann, default)).PrimaryKey);
        await Problem.AssertAsync(await plane.Client.PostAsync($"/subscriptions/{submitted.Id}/reject", null), 409);
        await Problem.AssertAsync(await plane.Client.PostAsync("/subscriptions/nope/approve", null), 404);

        var (_, other) = await Subscriptions.SubscribeAsync(ann, "gold", null, default);
        Assert.Equal("rejected", (await plane.PostJsonAsync($"/subscriptions/{other!.Id}/reject", ""))["state"]!.GetValue<string>());
    }

    [Fact]
    public async Task AnotherAccountsSubscription_IsInvisibleAndUntouchable()
    {
        var ann = await AccountAsync("ann");
        var bob = await AccountAsync("bob");
        var (_, anns) = await Subscriptions.SubscribeAsync(ann, "starter", null, default);

        Assert.Empty(await Subscriptions.ListAsync(bob, default));
        Assert.Equal(SubscriptionChange.NotFound, await Subscriptions.RegenerateAsync(bob, anns!.Id, "primary", default));
        Assert.Equal(SubscriptionChange.NotFound, await Subscriptions.CancelAsync(bob, anns.Id, default));

        var mine = Assert.Single(await Subscriptions.ListAsync(ann, default));
        Assert.Equal("active", mine.State);
        Assert.Equal(anns.PrimaryKey, mine.PrimaryKey);
    }

    [Fact]
    public async Task Regenerate_ChangesOnlyThatKey_Cancel_EndsIt()
    {
        var ann = await AccountAsync("ann");
        var (_, before) = await Subscriptions.SubscribeAsync(ann, "starter", null, default);

        Assert.Equal(SubscriptionChange.Done, await Subscriptions.RegenerateAsync(ann, before!.Id, "secondary", default));
        Assert.Equal(SubscriptionChange.Invalid, await Subscriptions.RegenerateAsync(ann, before.Id, "tertiary", default));

        var after = Assert.Single(await Subscriptions.ListAsync(ann, default));
        Assert.Equal(before.PrimaryKey, after.PrimaryKey);
        Assert.NotEqual(before.SecondaryKey, after.SecondaryKey);
        Assert.Equal(SubscriptionChange.Done, await Subscriptions.CancelAsync(ann, before.Id, default));
        Assert.Equal("cancelled", (await plane.GetJsonAsync($"/subscriptions/{before.Id}"))["state"]!.GetValue<string>());
        Assert.Equal(SubscriptionChange.NotAllowed, await Subscriptions.RegenerateAsync(ann, before.Id, "primary", default));
    }

    [Fact]
    public async Task Disable_SuspendsActiveSubscriptionsInOneRevision_EnableRestoresOnlyThose()
    {
        var ann = await AccountAsync("ann");
        var (_, first) = await Subscriptions.SubscribeAsync(ann, "starter", null, default);
        var (_, second) = await Subscriptions.SubscribeAsync(ann, "starter", null, default);
        var (_, waiting) = await Subscriptions.SubscribeAsync(ann, "gold", null, default);
        var stampBefore = await StampAsync(ann);
        var revisionBefore = await RevisionAsync();

        Assert.Equal("disabled", (await plane.PostJsonAsync($"/accounts/{ann}/disable", ""))["state"]!.GetValue<string>());

        Assert.Equal(revisionBefore + 1, await RevisionAsync());
        Assert.Equal("suspended", await StateAsync(first!.Id));
        Assert.Equal("suspended", await StateAsync(second!.Id));
        Assert.Equal("submitted", await StateAsync(waiting!.Id));
        Assert.NotEqual(stampBefore, await StampAsync(ann));
        Assert.Equal(SubscriptionChange.NotAllowed, (await Subscriptions.SubscribeAsync(ann, "starter", null, default)).Change);
        Assert.Equal(SubscriptionChange.NotAllowed, await Subscriptions.CancelAsync(ann, first.Id, default));

        // An admin cancels one while the account is disabled: enabling must not bring it back.
        await plane.PutOkAsync($"/subscriptions/{second.Id}", """{"state":"cancelled"}""");
        Assert.Equal("active", (await plane.PostJsonAsync($"/accounts/{ann}/enable", ""))["state"]!.GetValue<string>());

        Assert.Equal("active", await StateAsync(first.Id));
        Assert.Equal("cancelled", await StateAsync(second.Id));
        Assert.Equal("submitted", await StateAsync(waiting.Id));
        await Problem.AssertAsync(await plane.Client.PostAsync($"/accounts/{ann}/enable", null), 409);
    }

    [Fact]
    public async Task Disable_Twice_IsHarmless_AndPendingAccountCannotBeDisabled()
    {
        var ann = await AccountAsync("ann");
        var (_, first) = await Subscriptions.SubscribeAsync(ann, "starter", null, default);
        await plane.PostJsonAsync($"/accounts/{ann}/disable", "");

        await plane.PostJsonAsync($"/accounts/{ann}/disable", "");
        await plane.PostJsonAsync($"/accounts/{ann}/enable", "");

        Assert.Equal("active", await StateAsync(first!.Id));
        var pending = (await plane.Host.Services.GetRequiredService<IPortalAccounts>().SignUpAsync("p@example.com", "P", "password-1", null, default)).Account!.Id;
        await Problem.AssertAsync(await plane.Client.PostAsync($"/accounts/{pending}/disable", null), 409);
    }

    [Fact]
    public async Task DeleteAccount_CancelsItsSubscriptions_AndRemovesTheAccount()
    {
        var ann = await AccountAsync("ann");
        var bob = await AccountAsync("bob");
        var (_, anns) = await Subscriptions.SubscribeAsync(ann, "starter", null, default);
        var (_, bobs) = await Subscriptions.SubscribeAsync(bob, "starter", null, default);

        Assert.Equal(204, (int)(await plane.Client.DeleteAsync($"/accounts/{ann}")).StatusCode);

        Assert.Equal("cancelled", await StateAsync(anns!.Id));
        Assert.Equal("active", await StateAsync(bobs!.Id));
        await Problem.AssertAsync(await plane.Client.GetAsync($"/accounts/{ann}"), 404);
        await Problem.AssertAsync(await plane.Client.DeleteAsync($"/accounts/{ann}"), 404);
    }

    private async Task<string> AccountAsync(string name)
    {
        var created = await plane.PostJsonAsync("/accounts", $$"""{"email":"{{name}}@example.com","displayName":"{{name}}","password":"password-{{name}}"}""");
        return created["id"]!.GetValue<string>();
    }

    private async Task<string> StateAsync(string subscriptionId) =>
        (await plane.GetJsonAsync($"/subscriptions/{subscriptionId}"))["state"]!.GetValue<string>();

    private async Task<string> StampAsync(string accountId) =>
        (await plane.Host.Services.GetRequiredService<IPortalAccounts>().GetAsync(accountId, default))!.SecurityStamp;

    private async Task<long> RevisionAsync()
    {
        var head = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(plane.StorePath, "state", "head.json")))!;
        return head["revision"]!.GetValue<long>();
    }
}
