// EventHub: the exhibitors' lead scanner. The badge code field is a plain form: a handheld
// (keyboard-wedge) scanner types the code and Enter, which sends it. The camera reads QR
// codes with the door scanner's decoder (qr-camera.js) and sends what it reads through the
// same form.
(function () {
  "use strict";

  const form = document.getElementById("lead-scan-form");
  const input = document.getElementById("code");
  const button = document.getElementById("camera-toggle");
  const problem = document.getElementById("camera-problem");
  if (!form || !input || !button || !window.EventHubQrCamera) return;

  let sent = false;
  const camera = window.EventHubQrCamera.create({
    video: document.getElementById("camera"),
    frame: document.getElementById("camera-frame"),
    onCode: (text) => {
      if (sent) return;
      sent = true;
      camera.stop();
      input.value = text;
      form.requestSubmit();
    },
    onStarted: () => {
      problem.hidden = true;
      button.textContent = button.dataset.on;
    },
    onStopped: () => {
      button.textContent = button.dataset.off;
    },
    onUnavailable: showUnavailable,
  });

  function showUnavailable() {
    problem.textContent = button.dataset.unavailable;
    problem.hidden = false;
    input.focus();
  }

  button.addEventListener("click", () => {
    if (camera.running) camera.stop();
    else if (camera.supported) camera.start();
    else showUnavailable();
  });

  // A second Enter from a scanner while the page is sending the first must not send twice.
  form.addEventListener("submit", (event) => {
    if (form.dataset.sending === "true") {
      event.preventDefault();
      return;
    }
    form.dataset.sending = "true";
  });
  window.addEventListener("pageshow", () => {
    delete form.dataset.sending;
    sent = false;
  });
})();
