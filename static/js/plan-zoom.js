/* Floor plans on any screen: each hall's SVG sits in a frame that never widens the page.
   The frame scrolls (drag, wheel, arrow keys once focused); the plan zooms with the + and −
   buttons, the + and − keys, Ctrl + wheel and a two-finger pinch; "Fit to screen" resets it.
   Booth labels smaller than MIN_LABEL_PX on screen are hidden until zoomed in: every booth
   keeps its name (its <title>), and the exhibitor list beside the plan says the same in text.
   Without this script the frame still scrolls sideways and the plan shows at its full width. */
(function () {
  "use strict";

  var MIN_ZOOM = 1;
  var MAX_ZOOM = 8;
  var STEP = 1.5;
  var MIN_LABEL_PX = 11;

  function clamp(value) {
    return Math.min(MAX_ZOOM, Math.max(MIN_ZOOM, value));
  }

  function setUp(figure) {
    var tools = figure.querySelector("[data-plan-zoom]");
    var frame = figure.querySelector(".plan-scroll");
    var svg = frame ? frame.querySelector("svg.floorplan") : null;
    if (!tools || !svg) { return; }
    var level = tools.querySelector("[data-zoom-level]");
    var labels = Array.prototype.slice.call(svg.querySelectorAll("text.booth-code, text.booth-name"));
    var viewWidth = svg.viewBox.baseVal.width || 1;
    var zoom = 1;

    function showReadableLabels() {
      var pixelsPerUnit = svg.getBoundingClientRect().width / viewWidth;
      labels.forEach(function (label) {
        var size = parseFloat(label.getAttribute("font-size")) * pixelsPerUnit;
        label.classList.toggle("label-too-small", size < MIN_LABEL_PX);
      });
    }

    function apply(next, anchorX, anchorY) {
      next = clamp(next);
      var rect = frame.getBoundingClientRect();
      var x = anchorX === undefined ? frame.clientWidth / 2 : anchorX - rect.left;
      var y = anchorY === undefined ? frame.clientHeight / 2 : anchorY - rect.top;
      var ratio = next / zoom;
      var left = (frame.scrollLeft + x) * ratio - x;
      var top = (frame.scrollTop + y) * ratio - y;
      zoom = next;
      svg.style.inlineSize = (zoom * 100) + "%";
      svg.setAttribute("data-zoom", String(Math.round(zoom * 100) / 100));
      frame.classList.toggle("is-zoomed", zoom > 1);
      frame.scrollLeft = left;
      frame.scrollTop = top;
      if (level) { level.textContent = Math.round(zoom * 100) + " %"; }
      showReadableLabels();
    }

    tools.hidden = false;
    tools.addEventListener("click", function (event) {
      var button = event.target.closest("button[data-zoom]");
      if (!button) { return; }
      var action = button.getAttribute("data-zoom");
      apply(action === "in" ? zoom * STEP : action === "out" ? zoom / STEP : 1);
    });

    frame.addEventListener("keydown", function (event) {
      if (event.ctrlKey || event.metaKey || event.altKey) { return; }
      if (event.key === "+" || event.key === "=") { apply(zoom * STEP); }
      else if (event.key === "-" || event.key === "_") { apply(zoom / STEP); }
      else if (event.key === "0") { apply(1); }
      else { return; }
      event.preventDefault();
    });

    // Ctrl + wheel (and a trackpad pinch, which browsers report as one) zooms; a plain wheel
    // scrolls the page as usual.
    frame.addEventListener("wheel", function (event) {
      if (!event.ctrlKey) { return; }
      event.preventDefault();
      apply(zoom * Math.pow(1.0025, -event.deltaY), event.clientX, event.clientY);
    }, { passive: false });

    var pinch = null;
    function distance(touches) {
      return Math.hypot(touches[0].clientX - touches[1].clientX, touches[0].clientY - touches[1].clientY);
    }
    frame.addEventListener("touchstart", function (event) {
      if (event.touches.length === 2) { pinch = { start: distance(event.touches), zoom: zoom }; }
    }, { passive: true });
    frame.addEventListener("touchmove", function (event) {
      if (!pinch || event.touches.length !== 2) { return; }
      event.preventDefault();
      var midX = (event.touches[0].clientX + event.touches[1].clientX) / 2;
      var midY = (event.touches[0].clientY + event.touches[1].clientY) / 2;
      apply(pinch.zoom * distance(event.touches) / pinch.start, midX, midY);
    }, { passive: false });
    frame.addEventListener("touchend", function (event) {
      if (event.touches.length < 2) { pinch = null; }
    });

    // Drag to move with a mouse or pen (a finger scrolls the frame natively).
    var drag = null;
    frame.addEventListener("pointerdown", function (event) {
      if (event.pointerType === "touch" || event.button !== 0 || zoom === 1) { return; }
      drag = { x: event.clientX, y: event.clientY, left: frame.scrollLeft, top: frame.scrollTop, moved: false };
    });
    frame.addEventListener("pointermove", function (event) {
      if (!drag) { return; }
      var dx = event.clientX - drag.x;
      var dy = event.clientY - drag.y;
      if (!drag.moved && Math.abs(dx) + Math.abs(dy) < 4) { return; }
      drag.moved = true;
      frame.classList.add("is-dragging");
      frame.scrollLeft = drag.left - dx;
      frame.scrollTop = drag.top - dy;
    });
    function endDrag(event) {
      if (drag && drag.moved && event.type === "pointerup") {
        // A drag is not a click on the booth under the pointer.
        var swallow = function (click) {
          click.preventDefault();
          click.stopPropagation();
        };
        frame.addEventListener("click", swallow, { capture: true, once: true });
        window.setTimeout(function () { frame.removeEventListener("click", swallow, true); }, 0);
      }
      drag = null;
      frame.classList.remove("is-dragging");
    }
    frame.addEventListener("pointerup", endDrag);
    frame.addEventListener("pointerleave", endDrag);

    window.addEventListener("resize", showReadableLabels);
    showReadableLabels();
  }

  document.querySelectorAll(".hall-plan").forEach(setUp);
})();
