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
