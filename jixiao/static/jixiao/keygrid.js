// Spreadsheet moves in a table of form fields, the one way for every keyboard grid: the reporter's entry form
// (批量填报, reporting/grid.js) and the rater's matrix (评议矩阵, evaluation/rate-matrix.js). Each page adds its
// own keys on top (a block pasted from Excel; a digit that picks a level and fills).
//
// The cells are the [data-cell] fields of each row of the table body, their columns in order. Enter and ↓ move
// down a column, Shift+Enter and ↑ up; ← → move along a row once the caret stands at that edge of the text (a
// list or a number field has no caret to keep). A move past the grid's edge stays put. Enter never sends the
// form. Keys held with Alt, Ctrl or ⌘ are left to the page. With `listsKeepArrows`, ↑ ↓ in a <select> choose
// among its options instead of moving (the entry form's grade lists).
window.jixiao = window.jixiao || {};
window.jixiao.keygrid = function (root, options) {
  options = options || {};

  function rows() {
    return Array.prototype.map.call(root.querySelectorAll("tbody tr"), function (tr) {
      return Array.prototype.slice.call(tr.querySelectorAll("[data-cell]"));
    });
  }

  // Where a cell stands: { grid, row, col }, or null for a field that is not a cell.
  function place(cell) {
    var grid = rows();
    for (var r = 0; r < grid.length; r++) {
      var c = grid[r].indexOf(cell);
      if (c >= 0) return { grid: grid, row: r, col: c };
    }
    return null;
  }

  function focus(grid, row, col) {
    var cell = grid[row] && grid[row][col];
    if (!cell) return false;
    cell.focus();
    if (cell.tagName === "INPUT" && cell.select) cell.select();
    return true;
  }

  function atEdge(cell, end) {
    if (cell.tagName !== "INPUT" || cell.selectionStart === null) return true;
    var at = end ? cell.value.length : 0;
    return cell.selectionStart === at && cell.selectionEnd === at;
  }

  function step(event, cell) {
    var key = event.key;
    if (key === "Enter") return [event.shiftKey ? -1 : 1, 0];
    if (key === "ArrowUp" || key === "ArrowDown") {
      if (cell.tagName === "SELECT" && options.listsKeepArrows) return null;
      return [key === "ArrowUp" ? -1 : 1, 0];
    }
    if (key === "ArrowLeft" && atEdge(cell, false)) return [0, -1];
    if (key === "ArrowRight" && atEdge(cell, true)) return [0, 1];
    return null;
  }

  root.addEventListener("keydown", function (event) {
    var cell = event.target.closest("[data-cell]");
    if (!cell || event.altKey || event.ctrlKey || event.metaKey) return;
    var move = step(event, cell), at = move && place(cell);
    if (!at) return;
    event.preventDefault();
    focus(at.grid, at.row + move[0], at.col + move[1]);
  });

  return { rows: rows, place: place, focus: focus };
};
