// The whole entry form (批量填报) from the keyboard and from Excel. No inline script under our CSP.
// Enter and ↑ ↓ move between the lines of a column, ← → between the value and the note at the edge of the text,
// as in every keyboard grid (jixiao/keygrid.js, loaded first); ↑ ↓ in a grade list choose a grade. A block
// copied from Excel (tab between columns, newline between lines) is spread down from the cell it is pasted
// into. A block larger than what is left of the grid is refused whole, with a message: nothing beyond
// the grid, and nothing of it, is written, so a clerk never saves half a column shifted by one line.
// The server checks every cell again on save and names each bad line.
(function () {
  var form = document.querySelector("form[data-grid]");
  if (!form) return;
  var problem = form.querySelector("[data-paste-problem]");
  var COLUMNS = 2;
  var keygrid = window.jixiao.keygrid(form, { listsKeepArrows: true });  // Enter and the arrows (keygrid.js)

  function say(text) {
    problem.textContent = text;
    problem.classList.toggle("d-none", !text);
  }

  function setCell(cell, text) {
    if (cell.tagName === "SELECT") {
      var match = Array.prototype.some.call(cell.options, function (o) { return o.value === text; });
      if (!match && text) cell.add(new Option(text + "（不是评定等级）", text)); // the server names it on save
      cell.value = text;
    } else {
      cell.value = text;
    }
    cell.dispatchEvent(new Event("input", { bubbles: true }));
  }

  form.addEventListener("paste", function (event) {
    var cell = event.target.closest("[data-cell]");
    var at = cell && keygrid.place(cell);
    if (!at) return;
    var text = (event.clipboardData || window.clipboardData).getData("text");
    var rows = text.replace(/\r\n?/g, "\n").replace(/\n+$/, "").split("\n").map(function (l) { return l.split("\t"); });
    if (rows.length === 1 && rows[0].length === 1) { say(""); return; } // one cell: the browser pastes it
    event.preventDefault();
    var width = Math.max.apply(null, rows.map(function (r) { return r.length; }));
    var rowsLeft = at.grid.length - at.row, colsLeft = COLUMNS - at.col;
    if (rows.length > rowsLeft || width > colsLeft) {
      say("粘贴的区域有 " + rows.length + " 行 × " + width + " 列，从第 " + (at.row + 1) + " 行的这一格起只能填 " +
          rowsLeft + " 行 × " + colsLeft + " 列，超出了表格，未粘贴任何内容。请少选几行或几列后重新复制。");
      return;
    }
    rows.forEach(function (values, r) {
      values.forEach(function (value, c) { setCell(at.grid[at.row + r][at.col + c], value.trim()); });
    });
    say("");
    keygrid.focus(at.grid, Math.min(at.row + rows.length, at.grid.length - 1), at.col);
  });

  // A second click (or Enter held down) while the first save is on its way sends nothing more.
  form.addEventListener("submit", function (event) {
    if (form.dataset.sending) { event.preventDefault(); return; }
    form.dataset.sending = "1";
    var button = form.querySelector("[type=submit]");
    button.disabled = true;
    button.textContent = "正在保存…";
  });
})();
