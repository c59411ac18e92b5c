// The organiser's event navigation (templates/events/_organiser_nav.html): its groups are
// <details> disclosures, usable without this script. It adds what a menu is expected to do:
// Escape closes the open group and puts the focus back on its name; a click or a focus
// elsewhere closes it.
(function () {
  "use strict";
  if (window.eventNavReady) return;
  window.eventNavReady = true;

  function openMenus() {
    return document.querySelectorAll("details[data-event-nav][open]");
  }

  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    for (const menu of openMenus()) {
      if (!menu.contains(document.activeElement) && menu !== document.activeElement) continue;
      menu.open = false;
      menu.querySelector("summary").focus();
      event.preventDefault();
    }
  });

  function closeOutside(target) {
    for (const menu of openMenus()) {
      if (!menu.contains(target)) menu.open = false;
    }
  }

  document.addEventListener("click", function (event) {
    closeOutside(event.target);
  });
  document.addEventListener("focusin", function (event) {
    closeOutside(event.target);
  });
})();
