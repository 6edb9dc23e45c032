// Copies the text of the input named by a button's data-copy (the new token's secret), with a fallback for
// browsers without the asynchronous clipboard (a page served over plain HTTP).
(function () {
  document.addEventListener("click", function (event) {
    var button = event.target.closest("button[data-copy]");
    if (!button) return;
    var input = document.querySelector(button.dataset.copy);
    input.select();
    var done = function () { button.textContent = button.dataset.copied; };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(input.value).then(done, function () { document.execCommand("copy"); done(); });
    } else {
      document.execCommand("copy");
      done();
    }
  });
})();
