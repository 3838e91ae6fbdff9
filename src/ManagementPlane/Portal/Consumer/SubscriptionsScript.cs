namespace ManagementPlane.Portal.Consumer;

/// <summary>The only script of the subscriptions page: the Copy buttons (hidden until it runs, so no dead button without JS).</summary>
internal static class SubscriptionsScript
{
    public const string Text = """
        document.querySelectorAll('button[data-copy]').forEach(function (button) {
          var row = button.closest('div');
          var code = row && row.querySelector('code.key');
          if (!code || !navigator.clipboard) { return; }
          button.hidden = false;
          button.addEventListener('click', function () {
            navigator.clipboard.writeText(code.textContent).then(function () {
              button.textContent = 'Copied';
              setTimeout(function () { button.textContent = 'Copy'; }, 2000);
            });
          });
        });
        """;
}
