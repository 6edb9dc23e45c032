// The rater's matrix (评议矩阵) from the keyboard, in a handful of actions. No inline script under our CSP.
// Enter and the arrows move between cells as in every keyboard grid (jixiao/keygrid.js, loaded first); a digit
// 1…n picks the scale's n-th level in the current cell, Shift+digit fills its column, Alt+digit its row and
// Alt+Shift+digit the whole matrix; the tool bar does the same with a tap on a phone. A moment after each
// change the whole form is posted to the draft address, so a reload or another device resumes where the rater
// stopped; the final 提交评议 is the plain form post, sent once. The server checks every cell again on each
// save and on submit. Without this script the page is the plain form.
(function () {
  var form = document.querySelector("form[data-matrix]");
  if (!form) return;
  var SAVE_AFTER_MS = 700;
  var NOT_JSON = "草稿未保存：登录可能已过期。本页内容仍在，请在新标签页重新登录后，再修改任意一格即可保存。";
  var levels = JSON.parse(document.getElementById("matrix-levels").textContent);  // [[100, "非常满意"], …]; [] for points
  var keygrid = window.jixiao.keygrid(form);
  var grid = keygrid.rows();
  var status = document.querySelector("[data-save-status]");
  var problems = document.querySelector("[data-save-problems]");
  var progress = document.querySelector("[data-progress-done]");
  var current = { row: 0, col: 0 };
  var timer = null, saving = false, dirty = false, sent = false;

  function fill(scope, value) {
    grid.forEach(function (cells, row) {
      cells.forEach(function (cell, col) {
        var hit = scope === "all" || (scope === "row" && row === current.row) ||
          (scope === "column" && col === current.col) || (row === current.row && col === current.col);
        if (hit) cell.value = String(value);
      });
    });
    changed();
  }

  function countDone() {
    if (!progress) return;
    progress.textContent = grid.filter(function (cells) {
      return cells.every(function (cell) { return cell.value !== ""; });
    }).length;
  }

  function say(text) { if (status) status.textContent = text; }

  function showProblems(list) {
    problems.textContent = "";
    problems.hidden = !list.length;
    list.forEach(function (text) {
      var item = document.createElement("div");
      item.textContent = text;
      problems.appendChild(item);
    });
  }

  function changed() {
    countDone();
    if (sent) return;
    dirty = true;
    say("有修改，稍后自动保存草稿…");
    clearTimeout(timer);
    timer = setTimeout(save, SAVE_AFTER_MS);
  }

  function save() {
    if (saving) { timer = setTimeout(save, SAVE_AFTER_MS); return; }
    saving = true;
    dirty = false;
    fetch(form.dataset.draftUrl, { method: "POST", body: new FormData(form), credentials: "same-origin",
                                   headers: { "X-Requested-With": "XMLHttpRequest" } })
      .then(function (response) {
        return response.json().then(function (body) { return { ok: response.ok, body: body }; },
          function () { return { ok: false, body: { errors: [NOT_JSON] } }; });
      })
      .then(function (answer) {
        showProblems(answer.ok ? [] : answer.body.errors);
        if (!answer.ok) say("草稿未保存，本页填写的内容仍在，见上方提示。");
        else if (!dirty) say("草稿已自动保存（" + answer.body.at + "）");  // else a newer change is on its way
      })
      .catch(function () { dirty = true; say("网络中断，草稿未保存；下次修改时会重试，也可点“保存草稿”。"); })
      .then(function () { saving = false; });
  }

  form.addEventListener("focusin", function (event) {
    var at = keygrid.place(event.target);
    if (at) current = { row: at.row, col: at.col };
  });

  form.addEventListener("keydown", function (event) {
    if (!event.target.closest("[data-cell]") || event.ctrlKey || event.metaKey) return;
    var digit = /^(?:Digit|Numpad)([1-9])$/.exec(event.code);
    if (!digit || !levels.length || !levels[Number(digit[1]) - 1]) return;
    event.preventDefault();
    var scope = event.altKey && event.shiftKey ? "all" : event.shiftKey ? "column" : event.altKey ? "row" : "cell";
    fill(scope, levels[Number(digit[1]) - 1][0]);
  });

  form.addEventListener("change", function (event) { if (event.target.name) changed(); });

  // A mouse click on a cell that is not the current one selects it, as in a spreadsheet, instead of opening the
  // list, so that a digit typed next goes to the cell; a second click opens the list. A tap keeps the phone's picker.
  var pointer = "mouse";
  form.addEventListener("pointerdown", function (event) { pointer = event.pointerType; });
  form.addEventListener("mousedown", function (event) {
    var cell = event.target.closest("select[data-cell]");
    if (!cell || pointer !== "mouse" || document.activeElement === cell) return;
    event.preventDefault();
    cell.focus();
  });

  document.querySelectorAll("[data-fill]").forEach(function (button) {
    button.addEventListener("click", function () {
      var value = button.dataset.value || document.getElementById("fill-value").value;
      if (value === "") { say("请先选择要填写的评价。"); return; }
      fill(button.dataset.fill, value);
    });
  });

  form.addEventListener("submit", function (event) {
    if (sent) { event.preventDefault(); return; }  // a second click of 提交评议 sends nothing
    sent = true;
    clearTimeout(timer);
    dirty = false;
    form.querySelectorAll("button[type=submit]").forEach(function (button) {
      button.classList.add("disabled");
      button.setAttribute("aria-disabled", "true");
    });
  });

  // Leaving with a change not yet saved: hand the draft to the browser to send after the page is gone.
  window.addEventListener("pagehide", function () {
    if (dirty && !sent && navigator.sendBeacon) navigator.sendBeacon(form.dataset.draftUrl, new FormData(form));
  });

  document.querySelectorAll("[data-matrix-tools]").forEach(function (tools) { tools.hidden = false; });
  countDone();
})();
