// Live attendance: swaps in the server-rendered figures every few seconds
// (data-refresh-seconds, the app's ATTENDANCE_REFRESH_SECONDS).
(function () {
  "use strict";
  const box = document.getElementById("attendance-figures");
  if (!box) return;
  const url = box.dataset.refreshUrl;
  const INTERVAL_MS = 1000 * (Number(box.dataset.refreshSeconds) || 10);

  async function refresh() {
    try {
      const response = await fetch(url, { credentials: "same-origin", headers: { Accept: "text/html" } });
      if (response.ok) box.innerHTML = await response.text();
    } catch (error) {
      // Keep the last figures on screen; the next tick tries again.
    }
  }
  setInterval(() => {
    if (!document.hidden) refresh();
  }, INTERVAL_MS);
})();
