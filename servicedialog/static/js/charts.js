// Draws every chart on the page from its JSON data block (see servicedialog/charts.py).
// Without JavaScript, or if plotly.js fails to load, the table next to the chart remains.
(function () {
  "use strict";
  function draw() {
    if (typeof window.Plotly === "undefined") return;
    document.querySelectorAll("[data-chart]").forEach(function (el) {
      var source = document.getElementById(el.getAttribute("data-chart"));
      if (!source) return;
      var figure = JSON.parse(source.textContent);
      // The figure stays hidden without JavaScript: the table says the same.
      var holder = el.closest("figure");
      if (holder) holder.hidden = false;
      window.Plotly.newPlot(el, figure.data, figure.layout, {
        displayModeBar: false,
        responsive: true,
        scrollZoom: false,
        doubleClick: false,
      }).then(function () {
        el.classList.add("chart-drawn");
        // A point or bar whose customdata is a link of this site opens the records behind it.
        el.on("plotly_click", function (event) {
          var link = event.points && event.points[0] && event.points[0].customdata;
          if (typeof link === "string" && link.charAt(0) === "/" && link.charAt(1) !== "/") {
            window.location.assign(link);
          }
        });
      });
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
