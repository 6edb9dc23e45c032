// The rich-text toolbar of the publishing form: buttons that put a few HTML tags around the selected text of a
// textarea[data-richtext]. The server keeps only its allow-list (portal/publishing_html.py), so this script is a
// convenience, never a safeguard; without it the textarea still takes the same markup typed by hand.
(function () {
  "use strict";
  var TOOLS = [
    ["段落", "<p>", "</p>"],
    ["加粗", "<strong>", "</strong>"],
    ["倾斜", "<em>", "</em>"],
    ["小标题", "<h3>", "</h3>"],
    ["列表", "<ul>\n<li>", "</li>\n</ul>"],
    ["编号列表", "<ol>\n<li>", "</li>\n</ol>"],
    ["表格", "<table>\n<thead><tr><th>列一</th><th>列二</th></tr></thead>\n<tbody><tr><td>", "</td><td></td></tr></tbody>\n</table>"],
    ["换行", "<br>", ""],
    ["链接", "link", ""]
  ];

  function wrap(area, before, after) {
    var start = area.selectionStart, end = area.selectionEnd, text = area.value;
    var chosen = text.slice(start, end);
    area.value = text.slice(0, start) + before + chosen + after + text.slice(end);
    area.focus();
    area.selectionStart = start + before.length;
    area.selectionEnd = start + before.length + chosen.length;
  }

  function link(area) {
    var url = window.prompt("链接地址（以 https:// 或 / 开头）", "https://");
    if (!url) { return; }
    if (!/^(https?:\/\/|\/)/i.test(url)) { window.alert("只能链接到以 http://、https:// 或 / 开头的地址。"); return; }
    wrap(area, '<a href="' + url.replace(/"/g, "%22") + '">', "</a>");
  }

  function toolbar(area) {
    var bar = document.createElement("div");
    bar.className = "btn-toolbar gap-1 mb-1";
    bar.setAttribute("role", "toolbar");
    bar.setAttribute("aria-label", "格式工具栏");
    bar.setAttribute("aria-controls", area.id);
    TOOLS.forEach(function (tool) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "btn btn-sm btn-outline-secondary";
      button.textContent = tool[0];
      button.addEventListener("click", function () {
        if (tool[1] === "link") { link(area); } else { wrap(area, tool[1], tool[2]); }
      });
      bar.appendChild(button);
    });
    area.parentNode.insertBefore(bar, area);
  }

  document.querySelectorAll("textarea[data-richtext]").forEach(toolbar);
})();
