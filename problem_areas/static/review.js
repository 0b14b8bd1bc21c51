// Keyboard shortcuts for the review queue; without JavaScript the buttons do the same.
// J / K: next / previous text. Y: confirm the model's area. E: choose another area
// (focuses the list; then Tab to "Correct"). X: select the text for the bulk action.
// The keys work only while a text of the queue (or its checkbox) has focus.
(function () {
  "use strict";
  function items() { return Array.prototype.slice.call(document.querySelectorAll(".review-item")); }
  function current() {
    var active = document.activeElement;
    return active && active.closest ? active.closest(".review-item") : null;
  }
  function focusItem(item) {
    if (!item) return;
    items().forEach(function (el) { el.classList.remove("review-current"); });
    item.classList.add("review-current");
    item.focus();
    item.scrollIntoView({ block: "nearest" });
  }
  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    var target = event.target;
    if (target && /^(INPUT|SELECT|TEXTAREA|BUTTON)$/.test(target.tagName) && target.type !== "checkbox") return;
    var list = items();
    if (!list.length) return;
    var item = current();
    // Active only while a text of the queue has focus (WCAG 2.1.4: single-key shortcuts).
    if (!item) return;
    var index = item ? list.indexOf(item) : -1;
    var key = event.key.toLowerCase();
    if (key === "j") { focusItem(list[Math.min(index + 1, list.length - 1)]); }
    else if (key === "k") { focusItem(list[Math.max(index - 1, 0)]); }
    else if (key === "y" && item) {
      var confirm = item.querySelector('[data-key="confirm"]');
      if (confirm) confirm.click();
    } else if (key === "e" && item) { item.querySelector("select").focus(); }
    else if (key === "x" && item) {
      var box = item.querySelector('input[type="checkbox"]');
      box.checked = !box.checked;
    } else { return; }
    event.preventDefault();
  });
  document.addEventListener("DOMContentLoaded", function () {
    var first = items()[0];
    if (first) first.classList.add("review-current");
  });
})();
