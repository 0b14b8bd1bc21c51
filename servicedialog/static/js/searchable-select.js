// Makes every <select data-searchable> a combobox you can type in, with GOV.UK's
// accessible-autocomplete (vendored in static/vendor). Without JavaScript the plain
// <select> stays and works. The texts the screen reader hears come from the page, in its
// language (the JSON block of searchable_assets() in _macros/forms.html).
(function () {
  "use strict";
  function texts() {
    var block = document.getElementById("searchable-select-texts");
    return block ? JSON.parse(block.textContent) : {};
  }
  // accessible-autocomplete puts each suggestion into the page as HTML: service names are
  // typed by staff and API clients, so they go in as text, with every markup character
  // escaped.
  function escapeHtml(text) {
    return String(text == null ? "" : text).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }
  function fill(template, values) {
    return template.replace(/%\((\w+)\)s/g, function (_m, key) { return String(values[key]); });
  }
  function enhance() {
    if (typeof window.accessibleAutocomplete === "undefined") return;
    var t = texts();
    document.querySelectorAll("select[data-searchable]").forEach(function (select) {
      var id = select.id;
      var options = Array.prototype.slice.call(select.options);
      var empty = options.find(function (o) { return o.value === ""; });
      window.accessibleAutocomplete.enhanceSelectElement({
        selectElement: select,
        showAllValues: true,
        // Without autoselect there is no "hint" text box behind the input (a second,
        // unlabelled input that axe flags); arrow down picks the first match.
        autoselect: false,
        templates: {
          inputValue: function (value) { return value == null ? "" : String(value); },
          suggestion: escapeHtml,
        },
        defaultValue: select.value ? undefined : "",
        tNoResults: function () { return escapeHtml(t.noResults); },
        tStatusQueryTooShort: function (n) { return fill(t.tooShort, { n: n }); },
        tStatusNoResults: function () { return t.noResults; },
        tStatusSelectedOption: function (option, count, index) {
          return fill(t.selected, { option: option, index: index + 1, count: count });
        },
        tStatusResults: function (count, selected) {
          return fill(count === 1 ? t.oneResult : t.results, { count: count }) + " " + selected;
        },
        tAssistiveHint: function () { return t.hint; },
        onConfirm: function (text) {
          var input = document.getElementById(id);
          if (text === undefined) text = input ? input.value : "";
          var match = options.find(function (o) { return o.value && o.textContent === text; });
          select.value = match ? match.value : (empty ? "" : select.value);
          select.dispatchEvent(new Event("change", { bubbles: true }));
        },
      });
      // The field's hint and error stay announced with the new input.
      var described = select.getAttribute("aria-describedby");
      var input = document.getElementById(id);
      if (input && described) {
        var keep = function () {
          var own = (input.getAttribute("aria-describedby") || "").split(" ").filter(Boolean);
          var missing = described.split(" ").filter(function (d) { return own.indexOf(d) < 0; });
          if (missing.length) input.setAttribute("aria-describedby", own.concat(missing).join(" "));
        };
        keep();
        // The widget rewrites the attribute as it renders: put ours back each time.
        new MutationObserver(keep).observe(input, { attributeFilter: ["aria-describedby"] });
      }
      if (select.getAttribute("aria-invalid") === "true" && input) {
        input.setAttribute("aria-invalid", "true");
      }
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", enhance);
  } else {
    enhance();
  }
})();
