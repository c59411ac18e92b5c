// Lists with decisions in bulk (form[data-bulk-select]): a box that ticks every row of the
// page, and the number of rows ticked. Without JavaScript the rows are ticked one by one.
(function () {
  "use strict";
  document.querySelectorAll("form[data-bulk-select]").forEach(function (form) {
    var all = form.querySelector("[data-select-all]");
    var count = form.querySelector("[data-selected-count]");
    function rows() {
      return Array.prototype.slice.call(form.querySelectorAll("input[type=checkbox][name=application]"));
    }
    function update() {
      var boxes = rows();
      var ticked = boxes.filter(function (box) { return box.checked; }).length;
      if (count) { count.textContent = String(ticked); }
      if (all) {
        all.checked = boxes.length > 0 && ticked === boxes.length;
        all.indeterminate = ticked > 0 && ticked < boxes.length;
      }
    }
    if (all) {
      all.closest("[hidden]") && all.closest("[hidden]").removeAttribute("hidden");
      all.addEventListener("change", function () {
        rows().forEach(function (box) { box.checked = all.checked; });
        update();
      });
    }
    form.addEventListener("change", function (event) {
      if (event.target.name === "application") { update(); }
    });
    update();
  });
})();
