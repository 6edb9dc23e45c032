// Renders every <div class="chart" data-option-id="..."> from the JSON in the <script type="application/json">
// element it names. No inline script, so the page keeps a strict Content-Security-Policy.
//
// Every chart shows all its data: a chart never hides categories behind a slider or skips every other label.
// A horizontal bar chart (category y axis) grows as tall as its categories need, its labels wrap within a width
// taken from the chart box, and pie labels wrap instead of ending in "…". This is done here, once, so the
// options the views build stay plain data.
(function () {
  var BAR = 12;          // px per bar of one category, a bar series side by side with the others
  var LINE = 15;         // px per line of a wrapped 12 px axis label
  var MIN_HEIGHT = 280;  // the .chart box's own minimum (app.css)
  var measurer = document.createElement("canvas").getContext("2d");

  function list(value) { return Array.isArray(value) ? value : value ? [value] : []; }

  function textWidth(text) {
    measurer.font = "12px sans-serif";
    return measurer.measureText(String(text)).width;
  }

  // Bars one category holds side by side: stacked series share one bar.
  function barsPerCategory(series) {
    var stacks = {}, count = 0;
    list(series).forEach(function (s) {
      if (s.type !== "bar") return;
      if (s.stack) { if (!stacks[s.stack]) { stacks[s.stack] = true; count += 1; } } else { count += 1; }
    });
    return Math.max(count, 1);
  }

  function fitCategoryAxis(el, option) {
    var axis = list(option.yAxis)[0];
    if (!axis || axis.type !== "category" || !axis.data || !axis.data.length) return;
    var width = el.clientWidth || 600;
    var labelWidth = Math.round(Math.max(64, Math.min(180, width * 0.38)));
    axis.axisLabel = Object.assign({}, axis.axisLabel, { interval: 0, width: labelWidth, overflow: "break" });
    var lines = 1;
    axis.data.forEach(function (name) {
      var label = typeof name === "object" && name !== null ? name.value : name;
      lines = Math.max(lines, Math.ceil(textWidth(label) / labelWidth));
    });
    var row = Math.max(barsPerCategory(option.series) * BAR + 10, lines * LINE + 6, 24);
    var chrome = 70 + (option.legend ? 30 : 0);  // legend, value axis and its name
    el.style.height = Math.max(MIN_HEIGHT, axis.data.length * row + chrome) + "px";
    option.grid = Object.assign({}, option.grid);
    if (option.grid.containLabel === undefined) { option.grid.containLabel = true; option.grid.left = 8; }
    option.dataZoom = [];  // all categories are in view; a slider would only hide some
  }

  function fitPieLabels(el, option) {
    var width = el.clientWidth || 600;
    list(option.series).forEach(function (s) {
      if (s.type !== "pie") return;
      s.label = Object.assign({ width: Math.round(Math.max(56, width * 0.22)) }, s.label, { overflow: "break" });
    });
  }

  function layout(el, option) {
    fitCategoryAxis(el, option);
    fitPieLabels(el, option);
    return option;
  }

  function render(el) {
    var source = document.getElementById(el.dataset.optionId);
    if (!source || !window.echarts || window.echarts.getInstanceByDom(el)) return;
    var option = JSON.parse(source.textContent);
    // Office screens are read, not watched: no animation unless a chart asks for it.
    if (option.animation === undefined) option.animation = false;
    layout(el, option);
    var chart = window.echarts.init(el, null, { renderer: "svg" });
    chart.setOption(option);
    var lastWidth = el.clientWidth;
    window.addEventListener("resize", function () {
      if (el.clientWidth !== lastWidth) {  // labels wrap anew at another width, and the height follows
        lastWidth = el.clientWidth;
        chart.setOption(layout(el, option), { notMerge: true });
      }
      chart.resize();
    });
  }
  function renderAll(root) {
    (root || document).querySelectorAll(".chart[data-option-id]").forEach(render);
  }
  document.addEventListener("DOMContentLoaded", function () { renderAll(document); });
  document.addEventListener("htmx:afterSettle", function (e) { renderAll(e.target); });
})();
