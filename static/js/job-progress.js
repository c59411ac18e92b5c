// A job's progress page: polls the job's state (GET <job>.json) and moves the bar, says
// what the job is doing (aria-live), then shows the download link once the file is ready.
// Without JavaScript the page reloads itself (a meta refresh in <noscript>) instead.
(function () {
  "use strict";
  const box = document.getElementById("job");
  if (!box) return;
  const url = box.dataset.stateUrl;
  const bar = document.getElementById("job-progress");
  const percentText = document.getElementById("job-percent");
  const status = document.getElementById("job-status");
  const counts = document.getElementById("job-counts");
  const waiting = document.getElementById("job-waiting");
  const download = document.getElementById("job-download");
  const ENDED = ["done", "failed"];
  let delay = 700;
  let lastStatus = box.dataset.status;

  function fill(template, values) {
    return Object.keys(values).reduce(
      (text, key) => text.split("__" + key + "__").join(String(values[key])),
      template
    );
  }

  function show(state) {
    const percent = fill(box.dataset.percentText, { PERCENT: state.percent });
    bar.value = state.percent;
    bar.textContent = percent;
    percentText.textContent = percent;
    if (state.total > 0) {
      counts.textContent = fill(box.dataset.countsText, { DONE: state.done, TOTAL: state.total });
      counts.hidden = false;
    }
    waiting.hidden = !state.waiting;
    if (state.status !== lastStatus) {
      // Said once per change of status, not at every tick of the bar.
      status.textContent = box.dataset["label" + state.status[0].toUpperCase() + state.status.slice(1)] || "";
      lastStatus = state.status;
      box.dataset.status = state.status;
    }
    if (state.download_url) {
      download.href = state.download_url;
      if (state.file_name) download.textContent = fill(box.dataset.downloadText, { NAME: state.file_name });
      download.hidden = false;
    }
  }

  async function poll() {
    let state = null;
    try {
      const response = await fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } });
      const type = response.headers.get("Content-Type") || "";
      if (!response.ok || !type.includes("application/json")) return; // signed out, gone: stop
      state = await response.json();
    } catch (error) {
      state = null; // the network dropped: keep the last state on screen, try again later
    }
    if (state) {
      show(state);
      if (ENDED.includes(state.status)) {
        // A failure (its message and the Retry button) and an import's summary are drawn
        // by the server: reload once to show them.
        if (state.status === "failed" || box.dataset.reloadWhenEnded === "yes") {
          window.location.reload();
        }
        return;
      }
    }
    delay = Math.min(delay * 1.3, 5000);
    window.setTimeout(poll, document.hidden ? 5000 : delay);
  }

  if (!ENDED.includes(lastStatus)) window.setTimeout(poll, delay);
})();
