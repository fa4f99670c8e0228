(function () {
  "use strict";
  var form = document.getElementById("filters");
  if (!form) { return; }
  var rows = Array.prototype.slice.call(document.querySelectorAll("[data-finding]"));
  var shown = document.getElementById("shown");

  function checked(name) {
    var chosen = Object.create(null);
    form.querySelectorAll("input[name='" + name + "']:checked").forEach(function (box) { chosen[box.value] = true; });
    return chosen;
  }

  function apply() {
    var severities = checked("severity");
    var statuses = checked("status");
    var changes = checked("change");
    var byChange = form.querySelector("input[name='change']") !== null;
    var rule = form.elements.rule.value;
    var count = 0;
    rows.forEach(function (row) {
      var visible = severities[row.dataset.severity] === true && statuses[row.dataset.status] === true &&
        (!byChange || row.dataset.change === undefined || changes[row.dataset.change] === true) && (rule === "" || row.dataset.rule === rule);
      row.hidden = !visible;
      if (visible) { count += 1; }
    });
    shown.textContent = count + " of " + rows.length + " findings shown";
  }

  form.addEventListener("change", apply);
  form.addEventListener("submit", function (event) { event.preventDefault(); });
  form.hidden = false;
  apply();
})();
