using System.Collections.Concurrent;
using Microsoft.Playwright;

namespace EdgeGateway.EndToEnd.Tests.Portal;

/// <summary>
/// Records every alert/confirm/prompt a page opens (and dismisses it, so the page goes on): an injected
/// <c>&lt;script&gt;alert(..)&lt;/script&gt;</c> that ran shows up here, one that was escaped does not.
/// </summary>
public sealed class DialogWatch : IDisposable
{
    private readonly IPage page;
    private readonly ConcurrentQueue<string> messages = new();

    public DialogWatch(IPage page)
    {
        this.page = page;
        page.Dialog += OnDialog;
    }

    public IReadOnlyList<string> Messages => [.. messages];

    public void Dispose() => page.Dialog -= OnDialog;

    private void OnDialog(object? sender, IDialog dialog)
    {
        messages.Enqueue(dialog.Message);
        _ = dialog.DismissAsync();
    }
}
