// Expands or collapses every branch of the unit tree (buttons marked data-tree-toggle="open|close").
(function () {
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-tree-toggle]");
    if (!button) return;
    var open = button.dataset.treeToggle === "open";
    document.querySelectorAll("#unit-tree details").forEach(function (d) { d.open = open; });
  });
})();
