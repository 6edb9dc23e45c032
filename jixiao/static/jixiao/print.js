// The printable dashboard's 打印 button: the browser's own print dialog (CSP allows no inline handler).
(function () {
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.addEventListener("click", function () { window.print(); });
  });
})();
