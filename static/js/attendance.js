// Live attendance: swaps in the server-rendered figures every few seconds
// (data-refresh-seconds, the app's ATTENDANCE_REFRESH_SECONDS), and has a screen reader
// say when a zone becomes nearly full or full (the sentence comes from the server, in the
// page's language: data-alert).
(function () {
  "use strict";
  const box = document.getElementById("attendance-figures");
  if (!box) return;
  const alerts = document.getElementById("attendance-alerts");
  const url = box.dataset.refreshUrl;
  const INTERVAL_MS = 1000 * (Number(box.dataset.refreshSeconds) || 10);

  function zoneLevels() {
    const levels = new Map();
    box.querySelectorAll("[data-zone]").forEach((zone) => levels.set(zone.dataset.zone, zone.dataset.level));
    return levels;
  }

  function announceNewAlerts(before) {
    if (!alerts) return;
    const sentences = [];
    box.querySelectorAll("[data-zone]").forEach((zone) => {
      if (zone.dataset.alert && before.get(zone.dataset.zone) !== zone.dataset.level) {
        sentences.push(zone.dataset.alert);
      }
    });
    if (sentences.length) alerts.textContent = sentences.join(" ");
  }

  async function refresh() {
    try {
      const response = await fetch(url, { credentials: "same-origin", headers: { Accept: "text/html" } });
      if (!response.ok) return;
      const before = zoneLevels();
      box.innerHTML = await response.text();
      announceNewAlerts(before);
    } catch (error) {
      // Keep the last figures on screen; the next tick tries again.
    }
  }
  setInterval(() => {
    if (!document.hidden) refresh();
  }, INTERVAL_MS);
})();
