// The feedback form with JavaScript (it works without): the promise question shows for
// complaints only, and its list follows the chosen service at once. The promises of every
// service come from the page's JSON block; the server renders the same list without it.
(function () {
  "use strict";
  function promisesOf(form) {
    var block = document.getElementById("promise-data");
    return block ? JSON.parse(block.textContent) : [];
  }
  function fill(select, groups, serviceId, labels) {
    var chosen = select.value;
    while (select.options.length > 1) select.remove(1);
    select.querySelectorAll("optgroup").forEach(function (g) { g.remove(); });
    groups.forEach(function (group) {
      if (serviceId && String(group.service) !== serviceId) return;
      var optgroup = document.createElement("optgroup");
      optgroup.label = group.name;  // text, never markup
      group.promises.forEach(function (item) {
        var option = document.createElement("option");
        option.value = String(item.id);
        option.textContent = item.promise;
        option.selected = option.value === chosen;
        optgroup.appendChild(option);
      });
      select.appendChild(optgroup);
    });
    if (select.value !== chosen) select.value = "";
    var hint = document.getElementById("hint-commitment");
    if (hint && labels) hint.textContent = serviceId ? labels.forService : labels.all;
  }
  function setup(form) {
    var block = form.querySelector("[data-complaint-only]");
    var promise = form.querySelector('select[name="commitment"]');
    var service = form.querySelector('select[name="service"]');
    if (!block || !promise) return;
    form.querySelectorAll("[data-no-js-only]").forEach(function (el) { el.hidden = true; });
    var data = promisesOf(form);
    function showForKind() {
      var checked = form.querySelector('input[name="kind"]:checked');
      block.hidden = !(checked && checked.value === "complaint");
    }
    form.querySelectorAll('input[name="kind"]').forEach(function (radio) {
      radio.addEventListener("change", showForKind);
    });
    showForKind();
    if (service) {
      var follow = function () { fill(promise, data.groups || [], service.value, data.labels); };
      service.addEventListener("change", follow);
      follow();
    }
  }
  function start() {
    document.querySelectorAll("form.feedback-form").forEach(setup);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
