/* Floor plan: find an exhibitor in the list, highlight its booth on the plan.
   Works without this script too: every link reloads the page with ?booth=CODE. */
(function () {
  "use strict";

  var reduceMotion = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
  var list = document.getElementById("exhibitor-list");
  var search = document.getElementById("exhibitor-search");
  var count = document.getElementById("directory-count");
  var found = document.getElementById("found-booth");
  var printButton = document.querySelector("[data-print]");

  if (printButton) {
    printButton.hidden = false;
    printButton.addEventListener("click", function () { window.print(); });
  }

  function boothElement(code) {
    return code ? document.getElementById("booth-" + code) : null;
  }

  function clearHighlight() {
    document.querySelectorAll(".booth-highlight").forEach(function (el) {
      el.classList.remove("booth-highlight");
    });
    document.querySelectorAll("svg.floorplan.has-highlight").forEach(function (svg) {
      svg.classList.remove("has-highlight");
    });
    if (list) {
      list.querySelectorAll("a[aria-current]").forEach(function (a) { a.removeAttribute("aria-current"); });
    }
  }

  function scrollToBooth(booth) {
    var behaviour = reduceMotion ? "auto" : "smooth";
    booth.scrollIntoView({ behavior: behaviour, block: "center", inline: "center" });
  }

  function highlight(code, link) {
    clearHighlight();
    var booth = boothElement(code);
    if (!booth) { return false; }
    booth.classList.add("booth-highlight");
    var svg = booth.closest("svg");
    if (svg) { svg.classList.add("has-highlight"); }
    if (link) { link.setAttribute("aria-current", "true"); }
    if (found) {
      found.hidden = false;
      found.querySelector("[data-found-code]").textContent = code;
      var name = link ? link.getAttribute("data-name") : booth.getAttribute("data-name");
      found.querySelector("[data-found-name]").textContent = name ? "· " + name : "";
      var hall = link ? link.getAttribute("data-hall") : "";
      found.querySelector("[data-found-hall]").textContent = hall ? "· " + hall : "";
    }
    scrollToBooth(booth);
    return true;
  }

  if (list) {
    list.addEventListener("click", function (event) {
      var link = event.target.closest("a[data-booth]");
      if (!link || event.ctrlKey || event.metaKey || event.shiftKey) { return; }
      if (highlight(link.getAttribute("data-booth"), link)) {
        event.preventDefault();
        if (window.history && window.history.replaceState) {
          window.history.replaceState(null, "", link.getAttribute("href"));
        }
      }
    });
  }

  if (found) {
    var clear = found.querySelector("[data-clear]");
    if (clear) {
      clear.addEventListener("click", function (event) {
        event.preventDefault();
        clearHighlight();
        found.hidden = true;
        if (window.history && window.history.replaceState) {
          window.history.replaceState(null, "", clear.getAttribute("href"));
        }
      });
    }
  }

  function updateCount(shown, total) {
    if (!count) { return; }
    var template = count.getAttribute("data-template") || "{shown} / {total}";
    count.textContent = template.replace("{shown}", shown).replace("{total}", total);
  }

  if (search && list) {
    var items = Array.prototype.slice.call(list.querySelectorAll("li[data-search]"));
    search.hidden = false;
    updateCount(items.length, items.length);
    search.addEventListener("input", function () {
      var terms = search.value.toLowerCase().split(/\s+/).filter(Boolean);
      var shown = 0;
      items.forEach(function (item) {
        var text = item.getAttribute("data-search");
        var match = terms.every(function (term) { return text.indexOf(term) !== -1; });
        item.hidden = !match;
        if (match) { shown += 1; }
      });
      updateCount(shown, items.length);
    });
    search.addEventListener("keydown", function (event) {
      if (event.key !== "Enter") { return; }
      var first = list.querySelector("li:not([hidden]) a[data-booth]");
      if (first) {
        event.preventDefault();
        first.click();
      }
    });
  }

  // Arriving with a booth chosen (?booth=CODE): bring it into view.
  var initial = document.querySelector("svg.floorplan .booth-highlight");
  if (initial) {
    window.requestAnimationFrame(function () { scrollToBooth(initial); });
  }
})();
