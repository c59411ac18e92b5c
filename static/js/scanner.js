// EventHub door scanner: handheld (keyboard-wedge) scanners type into #scan-code and press
// Enter; the camera mode decodes QR codes with BarcodeDetector or the vendored jsQR.
// Every scan carries a nonce, so a retry after a timeout is answered like the first try.
(function () {
  "use strict";

  const root = document.getElementById("scanner");
  if (!root) return;
  const labels = JSON.parse(document.getElementById("scanner-labels").textContent);
  const endpoint = root.dataset.endpoint;
  const gateKey = "eventhub.gate." + root.dataset.event;
  const csrfToken = document.querySelector('meta[name="csrf-token"]').content;
  const form = document.getElementById("scan-form");
  const input = document.getElementById("scan-code");
  const gateInput = document.getElementById("gate");
  const overlay = document.getElementById("scan-result");
  const recent = document.getElementById("recent-scans");
  const cameraButton = document.getElementById("camera-toggle");
  const video = document.getElementById("camera");
  const frame = document.getElementById("camera-frame");
  const TIMEOUT_MS = 4000;
  const RETRIES = 2;
  const RECENT_MAX = 12;
  const TONE = { green: [[880, 0.12]], amber: [[520, 0.12], [520, 0.12]], red: [[220, 0.5]] };

  let hideTimer = null;
  let audio = null;
  let cameraStream = null;
  let lastCameraCode = { code: "", at: 0 };

  // --- gate -------------------------------------------------------------------------
  const savedGate = localStorage.getItem(gateKey);
  if (savedGate) {
    if (gateInput.tagName === "SELECT") {
      if ([...gateInput.options].some((option) => option.value === savedGate)) gateInput.value = savedGate;
    } else {
      gateInput.value = savedGate;
    }
  }
  gateInput.addEventListener("change", () => {
    localStorage.setItem(gateKey, gateInput.value.trim());
    input.focus();
  });

  // --- focus: the code field keeps it, so a handheld scanner always types into it -----
  function keepFocus() {
    const active = document.activeElement;
    if (active === gateInput || active === cameraButton) return;
    input.focus({ preventScroll: true });
  }
  input.addEventListener("blur", () => setTimeout(keepFocus, 150));
  document.addEventListener("click", (event) => {
    if (event.target.closest("select, input, button, a")) return;
    keepFocus();
  });
  keepFocus();

  // --- answer display ---------------------------------------------------------------
  function colourOf(result) {
    if (result === "admitted") return "green";
    if (result === "already_inside") return "amber";
    return "red";
  }

  function beep(colour) {
    try {
      audio = audio || new (window.AudioContext || window.webkitAudioContext)();
      let at = audio.currentTime;
      for (const [frequency, length] of TONE[colour]) {
        const oscillator = audio.createOscillator();
        const gain = audio.createGain();
        oscillator.frequency.value = frequency;
        oscillator.type = colour === "red" ? "square" : "sine";
        gain.gain.value = 0.15;
        oscillator.connect(gain).connect(audio.destination);
        oscillator.start(at);
        oscillator.stop(at + length);
        at += length + 0.06;
      }
    } catch (error) {
      // No sound on this device: the colour still tells.
    }
    if (navigator.vibrate) navigator.vibrate(colour === "green" ? 60 : [80, 60, 80]);
  }

  function formatTime(iso) {
    return new Date(iso).toLocaleTimeString(document.documentElement.lang, { hour: "2-digit", minute: "2-digit" });
  }

  function show(colour, title, body) {
    overlay.className = "scan-result scan-" + colour;
    document.getElementById("scan-result-title").textContent = title;
    document.getElementById("scan-result-name").textContent = body.name || "";
    document.getElementById("scan-result-category").textContent = body.category || "";
    document.getElementById("scan-result-message").textContent = body.message || "";
    document.getElementById("scan-result-extra").textContent = body.extra || "";
    overlay.hidden = false;
    beep(colour);
    clearTimeout(hideTimer);
    hideTimer = setTimeout(hide, colour === "green" ? 2500 : 6000);
  }

  function hide() {
    overlay.hidden = true;
    keepFocus();
  }
  overlay.addEventListener("click", hide);

  function remember(colour, title, name, gate) {
    const item = document.createElement("li");
    item.className = "recent-" + colour;
    const time = document.createElement("time");
    time.textContent = new Date().toLocaleTimeString(document.documentElement.lang);
    const text = document.createElement("span");
    text.textContent = " " + title + (name ? " · " + name : "") + (gate ? " · " + gate : "");
    item.append(time, text);
    recent.prepend(item);
    while (recent.children.length > RECENT_MAX) recent.lastElementChild.remove();
  }

  function showAnswer(answer) {
    const colour = colourOf(answer.result);
    const title = labels.titles[answer.result] || answer.result;
    let extra = "";
    if (answer.first_entry) {
      extra = labels.firstEntry
        .replace("%(time)s", formatTime(answer.first_entry.at))
        .replace("%(gate)s", answer.first_entry.gate);
    }
    const attendee = answer.attendee || {};
    show(colour, title, {
      name: attendee.name,
      category: attendee.category,
      message: answer.message,
      extra: extra,
    });
    const categoryLine = document.getElementById("scan-result-category");
    categoryLine.style.setProperty("--category-colour", attendee.colour || "transparent");
    remember(colour, title, attendee.name, answer.gate);
  }

  // --- talking to the server ----------------------------------------------------------
  function newNonce() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    const bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    return [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("");
  }

  async function post(payload) {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), TIMEOUT_MS);
    try {
      return await fetch(endpoint, {
        method: "POST",
        headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken, Accept: "application/json" },
        body: JSON.stringify(payload),
        credentials: "same-origin",
        signal: controller.signal,
      });
    } finally {
      clearTimeout(timer);
    }
  }

  async function check(code) {
    const gate = gateInput.value.trim();
    if (!gate) {
      show("amber", labels.chooseGate, {});
      gateInput.focus();
      return;
    }
    const payload = { code: code, gate: gate, nonce: newNonce(), device: "scanner page" };
    for (let attempt = 0; attempt <= RETRIES; attempt += 1) {
      let response;
      try {
        response = await post(payload);
      } catch (error) {
        continue; // timeout or network error: retry with the same nonce
      }
      if (response.status === 401) return show("red", labels.offlineTitle, { message: labels.signedOut });
      let answer = null;
      try {
        answer = await response.json();
      } catch (error) {
        answer = null;
      }
      if (answer && answer.result) return showAnswer(answer);
      if (response.status === 403) return show("red", labels.offlineTitle, { message: labels.forbidden });
      if (answer && answer.error && answer.error.code === "unknown_gate") {
        return show("red", labels.offlineTitle, { message: labels.unknownGate });
      }
      if (response.status < 500) {
        return show("red", labels.offlineTitle, { message: (answer && answer.error && answer.error.message) || "" });
      }
    }
    show("red", labels.offlineTitle, { message: labels.offline });
    remember("red", labels.offlineTitle, code, gate);
  }

  // Scans wait their turn: a handheld scanner can type the next badge while the answer to
  // the one before is still on its way, and no scan may be lost.
  const pending = [];
  let draining = false;

  async function drain() {
    draining = true;
    try {
      while (pending.length) await check(pending.shift());
    } finally {
      draining = false;
    }
  }

  function submit(code) {
    code = code.trim();
    if (!code) return;
    pending.push(code);
    if (!draining) drain();
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const code = input.value;
    input.value = "";
    submit(code);
  });

  // --- camera -------------------------------------------------------------------------
  let detector = null;
  if ("BarcodeDetector" in window) {
    try {
      detector = new window.BarcodeDetector({ formats: ["qr_code"] });
    } catch (error) {
      detector = null;
    }
  }

  async function decodeFrame() {
    if (!cameraStream) return;
    if (video.readyState >= 2) {
      let text = null;
      if (detector) {
        const codes = await detector.detect(video).catch(() => []);
        text = codes.length ? codes[0].rawValue : null;
      } else if (window.jsQR) {
        const width = video.videoWidth;
        const height = video.videoHeight;
        frame.width = width;
        frame.height = height;
        const context = frame.getContext("2d", { willReadFrequently: true });
        context.drawImage(video, 0, 0, width, height);
        const found = window.jsQR(context.getImageData(0, 0, width, height).data, width, height, {
          inversionAttempts: "dontInvert",
        });
        text = found ? found.data : null;
      }
      const now = Date.now();
      if (text && !(text === lastCameraCode.code && now - lastCameraCode.at < 3000)) {
        lastCameraCode = { code: text, at: now };
        submit(text);
      }
    }
    setTimeout(() => requestAnimationFrame(decodeFrame), 120);
  }

  async function startCamera() {
    try {
      cameraStream = await navigator.mediaDevices.getUserMedia({
        video: { facingMode: "environment", width: { ideal: 1280 }, height: { ideal: 720 } },
        audio: false,
      });
    } catch (error) {
      show("red", labels.offlineTitle, { message: labels.cameraUnavailable });
      return;
    }
    video.srcObject = cameraStream;
    video.hidden = false;
    await video.play().catch(() => {});
    cameraButton.textContent = labels.cameraOn;
    decodeFrame();
  }

  function stopCamera() {
    if (cameraStream) cameraStream.getTracks().forEach((track) => track.stop());
    cameraStream = null;
    video.hidden = true;
    cameraButton.textContent = labels.cameraOff;
  }

  cameraButton.addEventListener("click", () => {
    if (cameraStream) stopCamera();
    else if (navigator.mediaDevices && navigator.mediaDevices.getUserMedia) startCamera();
    else show("red", labels.offlineTitle, { message: labels.cameraUnavailable });
    keepFocus();
  });
})();
