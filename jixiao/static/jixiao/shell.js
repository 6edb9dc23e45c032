// When a click handled by htmx fails, say so: htmx does not swap a 4xx/5xx answer into the page, so a refused
// (403), missing (404) or failed (500) request would otherwise do nothing visible. The message is the error
// page's own title and reason (ui/errors.py), shown above the page's content.
(function () {
  function show(title, detail) {
    var main = document.getElementById("main");
    if (!main) return;
    var alert = document.createElement("div");
    alert.className = "alert alert-danger alert-dismissible py-2";
    alert.setAttribute("role", "alert");
    alert.dataset.testid = "request-error";
    var strong = document.createElement("strong");
    strong.textContent = title;
    alert.appendChild(strong);
    alert.appendChild(document.createTextNode(detail ? "：" + detail : ""));
    var close = document.createElement("button");
    close.type = "button";
    close.className = "btn-close";
    close.setAttribute("data-bs-dismiss", "alert");
    close.setAttribute("aria-label", "关闭");
    alert.appendChild(close);
    main.insertBefore(alert, main.firstChild);
  }

  document.addEventListener("htmx:responseError", function (event) {
    var xhr = event.detail.xhr;
    var page = new DOMParser().parseFromString(xhr.responseText || "", "text/html").querySelector("[data-testid=error-page]");
    if (!page) return;  // a form answered with its errors (422) is the view's own business
    var reason = page.querySelector("[data-testid=error-reason]");
    var next = xhr.status >= 500 ? "请稍后重试；如仍出错，请联系区绩效办。" : "请刷新页面后重试。";
    show(page.querySelector("h1").textContent, (reason ? reason.textContent.replace(/^原因：/, "").replace(/。$/, "") + "。" : "") + next);
  });
  document.addEventListener("htmx:sendError", function () {
    show("网络连接失败", "操作没有送达服务器，请检查网络后重试。");
  });
})();
