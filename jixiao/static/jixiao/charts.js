// Renders every <div class="chart" data-option-id="..."> from the JSON in the <script type="application/json">
// element it names. No inline script, so the page keeps a strict Content-Security-Policy.
(function () {
  function render(el) {
    var source = document.getElementById(el.dataset.optionId);
    if (!source || !window.echarts) return;
    var chart = window.echarts.init(el, null, { renderer: "svg" });
    var option = JSON.parse(source.textContent);
    // Office screens are read, not watched: no animation unless a chart asks for it.
    if (option.animation === undefined) option.animation = false;
    chart.setOption(option);
    window.addEventListener("resize", function () { chart.resize(); });
  }
  function renderAll(root) {
    (root || document).querySelectorAll(".chart[data-option-id]").forEach(render);
  }
  document.addEventListener("DOMContentLoaded", function () { renderAll(document); });
  document.addEventListener("htmx:afterSettle", function (e) { renderAll(e.target); });
})();
