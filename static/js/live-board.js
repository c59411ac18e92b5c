// The organiser's live meetings board: every data-refresh-seconds (30 s) the page fetches
// itself and swaps in the new #live-board, keeping the scroll position. A button pauses
// and resumes it (WCAG 2.2.1: a page that updates itself can be stopped).
(function () {
  "use strict";

  const board = document.getElementById("live-board");
  if (!board) return;
  const button = document.getElementById("live-pause");
  const status = document.getElementById("live-status");
  const seconds = Number(board.dataset.refreshSeconds) || 30;
  let paused = false;
  let timer = null;

  function clock() {
    return new Date().toLocaleTimeString(document.documentElement.lang || undefined, {
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
    });
  }

  async function refresh() {
    try {
      const response = await fetch(window.location.href, {
        credentials: "same-origin",
        headers: { Accept: "text/html" },
      });
      if (!response.ok) throw new Error(String(response.status));
      const page = new DOMParser().parseFromString(await response.text(), "text/html");
      const fresh = page.getElementById("live-board");
      if (!fresh) throw new Error("no board");
      board.replaceChildren(...Array.from(fresh.childNodes).map((node) => document.importNode(node, true)));
      status.textContent = status.dataset.updated.replace("%(time)s", clock());
    } catch (error) {
      status.textContent = status.dataset.failed;
    }
  }

  function schedule() {
    window.clearInterval(timer);
    timer = paused ? null : window.setInterval(refresh, seconds * 1000);
  }

  button.hidden = false;
  button.addEventListener("click", function () {
    paused = !paused;
    button.setAttribute("aria-pressed", String(paused));
    button.textContent = paused ? button.dataset.resume : button.dataset.pause;
    schedule();
  });
  window.EventHubLiveBoard = { refresh: refresh };
  schedule();
})();
