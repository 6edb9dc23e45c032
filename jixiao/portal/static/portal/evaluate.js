// The invitation link carries the code after '#', which the browser never sends to the server (so codes stay
// out of access logs). Put it into the code field and drop it from the address bar and history.
(function () {
  document.addEventListener("DOMContentLoaded", function () {
    var input = document.getElementById("code");
    var code = decodeURIComponent((window.location.hash || "").slice(1)).trim();
    if (input && code) {
      input.value = code;
      window.history.replaceState(null, "", window.location.pathname);
      var button = document.getElementById("start");
      if (button) button.focus();
    }
  });
})();
