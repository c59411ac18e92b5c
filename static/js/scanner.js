// EventHub door scanner, offline-first. Handheld (keyboard-wedge) scanners type into
// #scan-code and press Enter; the camera mode decodes QR codes with BarcodeDetector or the
// vendored jsQR (qr-camera.js, shared with the exhibitors' lead scanner).
//
// Each scan goes to the server first, with a nonce. When no answer comes within
// data-timeout-ms (1.5 s) or the device is offline, the page decides from its door list
// (scanner-decide.js, kept in IndexedDB by scanner-store.js), shows the answer marked
// "offline" and queues the scan; queued scans are sent in order, with their time, once the
// network is back. The list is downloaded once, then only what changed, every data-sync-ms.
// The service worker (scanner-sw.js) opens the page with no network.
(function () {
  "use strict";

  const root = document.getElementById("scanner");
  if (!root) return;
  const Decide = window.EventHubDecide;
  const DoorStore = window.EventHubDoorStore;
  const labels = JSON.parse(document.getElementById("scanner-labels").textContent);
  const shellUrls = JSON.parse(document.getElementById("scanner-shell").textContent);
  const endpoint = root.dataset.endpoint;
  const doorListUrl = root.dataset.doorList;
  const slug = root.dataset.event;
  const gateKey = "eventhub.gate." + slug;
  const lang = document.documentElement.lang || "en";
  const form = document.getElementById("scan-form");
  const input = document.getElementById("scan-code");
  const gateInput = document.getElementById("gate");
  const overlay = document.getElementById("scan-result");
  const overrideBox = document.getElementById("scan-result-actions");
  const overrideButton = document.getElementById("scan-override");
  const recent = document.getElementById("recent-scans");
  const statusBar = document.getElementById("scanner-status");
  const networkLine = document.getElementById("status-network");
  const listLine = document.getElementById("status-list");
  const queueLine = document.getElementById("status-queue");
  const cameraButton = document.getElementById("camera-toggle");
  const video = document.getElementById("camera");
  const frame = document.getElementById("camera-frame");
  const DEVICE = "scanner page";
  const SYNC_MS = Number(root.dataset.syncMs) || 5000;
  const DELTA_TIMEOUT_MS = 20000;
  const FULL_LIST_TIMEOUT_MS = 120000;
  const SEND_QUEUED_TIMEOUT_MS = 10000;
  const STALE_AFTER_MS = 60000;
  const RECENT_MAX = 12;
  const GREEN = ["admitted", "reentered", "exited"];
  const AMBER = ["already_inside", "zone_full"];
  const TONE = { green: [[880, 0.12]], amber: [[520, 0.12], [520, 0.12]], red: [[220, 0.5]] };

  let csrfToken = document.querySelector('meta[name="csrf-token"]').content;
  let hideTimer = null;
  let audio = null;
  let overrideCode = null;

  // What the device knows: its list (meta: event, gates, categories, cursor, clock) and
  // the HMAC key of its badge hashes; whether it may keep one at all (`problem`).
  const state = {
    store: null,
    meta: null,
    key: null,
    keyText: null,
    problem: null,
    signedOut: false,
    syncing: false,
    draining: false,
    queued: 0,
    sentSome: false,
  };

  function answerTimeoutMs() {
    return Number(root.dataset.timeoutMs) || 1500;
  }

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

  // --- words and numbers ------------------------------------------------------------
  function fill(text, values) {
    return Object.keys(values).reduce((result, name) => result.split("%(" + name + ")s").join(values[name]), text);
  }

  function plural(forms, count) {
    let category = "other";
    try {
      category = new Intl.PluralRules(lang).select(count);
    } catch (error) {
      category = count === 1 ? "one" : "other";
    }
    const text = forms[category] || forms.other || Object.values(forms)[0];
    return fill(text, { count: new Intl.NumberFormat(lang).format(count) });
  }

  function ago(milliseconds) {
    const seconds = Math.max(0, Math.round(milliseconds / 1000));
    const [value, unit] =
      seconds < 60 ? [seconds, "second"] : seconds < 3600 ? [Math.floor(seconds / 60), "minute"] : [Math.floor(seconds / 3600), "hour"];
    try {
      return new Intl.RelativeTimeFormat(lang, { numeric: "auto" }).format(-value, unit);
    } catch (error) {
      return "-" + value + " " + unit;
    }
  }

  // The time of `moment` at the event, by the server's time zone rules where the list has
  // them; with no list, the device's own time.
  function formatTime(moment) {
    const options = { hour: "2-digit", minute: "2-digit" };
    const event = state.meta && state.meta.event;
    const shifted = event ? Decide.wallClock(moment, event) : null;
    if (shifted !== null) return new Date(shifted).toLocaleTimeString(lang, { ...options, timeZone: "UTC" });
    if (event) options.timeZone = event.timezone;
    return new Date(moment).toLocaleTimeString(lang, options);
  }

  // --- answer display ---------------------------------------------------------------
  function colourOf(result) {
    if (GREEN.includes(result)) return "green";
    if (AMBER.includes(result)) return "amber";
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

  // body: {name, category, colour, message, extra, offline, override (a code to let in)}
  function show(colour, title, body) {
    overlay.className = "scan-result scan-" + colour + (body.offline ? " scan-offline" : "");
    const mode = document.getElementById("scan-result-mode");
    mode.textContent = body.offline ? labels.offlineMark : "";
    mode.hidden = !body.offline;
    document.getElementById("scan-result-title").textContent = title;
    document.getElementById("scan-result-name").textContent = body.name || "";
    const categoryLine = document.getElementById("scan-result-category");
    categoryLine.textContent = body.category || "";
    categoryLine.style.setProperty("--category-colour", body.colour || "transparent");
    document.getElementById("scan-result-message").textContent = body.message || "";
    document.getElementById("scan-result-extra").textContent = body.extra || "";
    overrideCode = body.override || null;
    overrideBox.hidden = !overrideCode;
    overlay.hidden = false;
    overlay.dataset.shown = String(Number(overlay.dataset.shown || 0) + 1);
    if (activeScan && !activeScan.shown) {
      activeScan.shown = true;
      measure("eventhub-scan", activeScan.mark, { offline: Boolean(body.offline), colour: colour });
    }
    beep(colour);
    clearTimeout(hideTimer);
    hideTimer = setTimeout(hide, overrideCode ? 15000 : colour === "green" ? 2500 : 6000);
  }

  function hide() {
    overlay.hidden = true;
    overrideCode = null;
    keepFocus();
  }
  overlay.addEventListener("click", hide);
  overrideButton.addEventListener("click", (event) => {
    event.stopPropagation();
    const code = overrideCode;
    hide();
    if (code) submit(code, { override: true });
  });

  function remember(colour, title, name, gate, offline) {
    const item = document.createElement("li");
    item.className = "recent-" + colour;
    if (offline) item.dataset.offline = "true";
    const time = document.createElement("time");
    time.textContent = formatTime(Date.now());
    const text = document.createElement("span");
    text.append(" " + title);
    // A name or gate in another script keeps its own direction (<bdi>), whatever it holds.
    for (const part of [name, gate]) {
      if (!part) continue;
      const isolated = document.createElement("bdi");
      isolated.textContent = part;
      text.append(" · ", isolated);
    }
    if (offline) text.append(" · " + labels.offlineShort);
    item.append(time, text);
    recent.prepend(item);
    while (recent.children.length > RECENT_MAX) recent.lastElementChild.remove();
  }

  function messageOf(result, reason, serverMessage) {
    const message = serverMessage || labels.messages[result] || "";
    const why = reason && labels.reasons[reason];
    return why ? message + " " + why : message;
  }

  function firstEntryLine(firstEntry) {
    if (!firstEntry) return "";
    return fill(labels.firstEntry, { time: formatTime(firstEntry.at), gate: firstEntry.gate });
  }

  function showAnswer(answer, code) {
    const colour = colourOf(answer.result);
    const title = labels.titles[answer.result] || answer.result;
    let extra = firstEntryLine(answer.first_entry);
    if (answer.result === "zone_full" && answer.zone) {
      const zone = answer.zone;
      extra = fill(labels.zoneLoad, { zone: zone.name, inside: zone.inside, capacity: zone.capacity });
    }
    const attendee = answer.attendee || {};
    show(colour, title, {
      name: attendee.name,
      category: attendee.category,
      colour: attendee.colour,
      message: messageOf(answer.result, answer.reason, answer.message),
      extra: extra,
      override: answer.result === "zone_full" ? code : null,
    });
    remember(colour, title, attendee.name, answer.gate, false);
  }

  function showProblem(message) {
    show("red", labels.offlineTitle, { message: message });
  }

  // Timings for the bench and the browser's performance panel.
  function measure(name, start, detail) {
    try {
      performance.measure(name, { start: start, end: performance.now(), detail: detail });
    } catch (error) {
      // An older browser: no timings.
    }
  }

  // --- clock: the server's, from the last sync ----------------------------------------
  // Scan times are offsets from the last sync by this device's clock, so a device whose
  // clock is wrong still tells the right time.
  function serverTimeAt(localMs) {
    return Date.parse(state.meta.serverTime) + Math.max(0, localMs - state.meta.receivedAt);
  }

  // --- badge hashes ---------------------------------------------------------------------
  function fromBase64Url(text) {
    const base64 = text.replace(/-/g, "+").replace(/_/g, "/") + "===".slice((text.length + 3) % 4);
    return Uint8Array.from(atob(base64), (char) => char.charCodeAt(0));
  }

  function toBase64Url(bytes) {
    return btoa(String.fromCharCode(...bytes)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  async function useKey(keyText) {
    if (!keyText || keyText === state.keyText) return;
    state.key = await crypto.subtle.importKey("raw", fromBase64Url(keyText), { name: "HMAC", hash: "SHA-256" }, false, [
      "sign",
    ]);
    state.keyText = keyText;
  }

  // The list's hash of a QR text: HMAC-SHA256 with the list's key, first 12 bytes.
  async function hashOf(normalized) {
    const mac = await crypto.subtle.sign("HMAC", state.key, new TextEncoder().encode(normalized));
    return toBase64Url(new Uint8Array(mac, 0, 12));
  }

  // What the list says of `code`: {malformed} | {badge, movements}; null without a list.
  async function lookUpLocally(code) {
    const normalized = Decide.normalize(code);
    if (!Decide.isBadgeText(normalized)) return { malformed: true, badge: null, movements: [] };
    if (!state.store || !state.key) return null;
    try {
      return await state.store.lookUp(await hashOf(normalized));
    } catch (error) {
      return null;
    }
  }

  function categoryOf(badge) {
    if (!badge || !state.meta) return null;
    return state.meta.categories.find((category) => category.id === badge.c) || null;
  }

  // --- talking to the server ----------------------------------------------------------
  function newNonce() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    const bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    return [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("");
  }

  // {status, body}; throws on a network error or when no whole answer came in time.
  async function send(payload, timeoutMs) {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), timeoutMs);
    try {
      const response = await fetch(endpoint, {
        method: "POST",
        headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken, Accept: "application/json" },
        body: JSON.stringify(payload),
        credentials: "same-origin",
        signal: controller.signal,
      });
      let body = null;
      try {
        body = await response.json();
      } catch (error) {
        if (controller.signal.aborted) throw error;
      }
      return { status: response.status, body: body };
    } finally {
      clearTimeout(timer);
    }
  }

  function errorCode(reply) {
    return reply.body && reply.body.error ? reply.body.error.code : null;
  }

  function noUsableAnswer(reply) {
    return reply.status >= 500 || reply.status === 429;
  }

  async function check(scan) {
    const gate = gateInput.value.trim();
    if (!gate) {
      show("amber", labels.chooseGate, {});
      gateInput.focus();
      return;
    }
    const payload = { code: scan.code, gate: gate, nonce: newNonce(), device: DEVICE };
    if (scan.override) payload.override = true;
    const local = lookUpLocally(scan.code); // started now: ready if the server is silent
    if (!navigator.onLine) return decideOffline(scan, payload, local);
    let reply;
    try {
      reply = await send(payload, answerTimeoutMs());
      if (errorCode(reply) === "csrf_failed") {
        // The page's token is too old (a copy from the cache): the list brings a new one.
        await sync();
        reply = await send(payload, answerTimeoutMs());
      }
    } catch (error) {
      return decideOffline(scan, payload, local); // no answer in time, or no network
    }
    if (reply.status === 401) {
      await forgetList();
      return showProblem(labels.signedOut);
    }
    if (reply.body && reply.body.result) {
      showAnswer(reply.body, scan.code);
      return rememberMovement(reply.body, local);
    }
    if (noUsableAnswer(reply)) return decideOffline(scan, payload, local);
    if (reply.status === 403) return showProblem(labels.forbidden);
    if (errorCode(reply) === "unknown_gate") return showProblem(labels.unknownGate);
    showProblem((reply.body && reply.body.error && reply.body.error.message) || labels.offline);
  }

  // The server's answer to an entry or exit, kept in the list at once: the next decision
  // without the network knows it before the next sync brings it.
  async function rememberMovement(answer, local) {
    const direction = Decide.movementOf(answer.result);
    if (!direction || !state.store || !state.meta) return;
    const found = await local;
    if (!found || !found.badge) return;
    const gate = Decide.resolveGate(state.meta.gates, answer.gate);
    const at = Date.parse(answer.scanned_at);
    try {
      await state.store.putMovement({
        id: answer.scan_id,
        r: found.badge.r,
        z: gate ? Decide.zoneKey(gate) : 0,
        d: direction,
        at: at,
        g: answer.gate,
        day: Decide.eventDay(at, state.meta.event),
      });
    } catch (error) {
      // The next sync brings it.
    }
  }

  // --- deciding without the server ---------------------------------------------------
  async function decideOffline(scan, payload, local) {
    if (!state.meta || !state.key) {
      return showProblem(state.problem || (state.signedOut ? labels.listDropped : labels.noList));
    }
    const gate = Decide.resolveGate(state.meta.gates, payload.gate);
    if (!gate) return showProblem(labels.unknownGate);
    const found = await local;
    if (!found) return showProblem(labels.noList);
    const meta = state.meta;
    const when = serverTimeAt(scan.at);
    const day = Decide.eventDay(when, meta.event);
    const verdict = found.malformed
      ? { result: "malformed", reason: null, firstEntry: null }
      : Decide.decide({
          badge: found.badge,
          category: categoryOf(found.badge),
          gate: gate,
          day: day,
          event: meta.event,
          movements: found.movements,
        });
    showVerdict(verdict, found.badge, gate);
    const direction = Decide.movementOf(verdict.result);
    const movement =
      direction && found.badge
        ? { id: DoorStore.LOCAL + payload.nonce, r: found.badge.r, z: Decide.zoneKey(gate), d: direction, at: when, g: gate.name, day: day }
        : null;
    const item = {
      nonce: payload.nonce,
      code: payload.code,
      gate: payload.gate,
      offline_result: verdict.result,
      synced_at: meta.serverTime,
      offset_ms: Math.max(0, scan.at - meta.receivedAt),
      device: DEVICE,
    };
    if (payload.override) item.override = true;
    await state.store.queueScan(item, movement);
    state.queued += 1;
    renderStatus();
  }

  function showVerdict(verdict, badge, gate) {
    const colour = colourOf(verdict.result);
    const title = labels.titles[verdict.result] || verdict.result;
    const category = categoryOf(badge);
    show(colour, title, {
      name: badge ? badge.n : "",
      category: category ? category.name : "",
      colour: category ? category.colour : "",
      message: messageOf(verdict.result, verdict.reason),
      extra: firstEntryLine(verdict.firstEntry),
      offline: true,
    });
    remember(colour, title, badge ? badge.n : "", gate.name, true);
  }

  // --- the queue: scans decided offline, sent in order -------------------------------
  function queuedPayload(item) {
    const payload = {
      code: item.code,
      gate: item.gate,
      nonce: item.nonce,
      device: item.device,
      offline: true,
      offline_result: item.offline_result,
      synced_at: item.synced_at,
      offset_ms: item.offset_ms,
    };
    if (item.override) payload.override = true;
    return payload;
  }

  // The server's record of a queued entry or exit, in place of the device's own.
  async function serverMovement(item, answer) {
    const direction = answer && answer.result ? Decide.movementOf(answer.result) : null;
    if (!direction) return null;
    const local = await state.store.localMovement(item.nonce);
    if (!local) return null;
    const at = Date.parse(answer.scanned_at);
    return { id: answer.scan_id, r: local.r, z: local.z, d: direction, at: at, g: answer.gate, day: local.day };
  }

  // Send the queue, oldest first. A scan leaves the queue only on a definitive answer
  // (2xx, or a 4xx other than 401 and 429): the server records it once, by its nonce, so
  // sending it twice is harmless.
  async function drain() {
    if (state.draining || !state.store || !navigator.onLine) return;
    state.draining = true;
    try {
      for (;;) {
        const item = await state.store.firstQueued();
        if (!item) break;
        renderStatus();
        let reply;
        try {
          reply = await send(queuedPayload(item), SEND_QUEUED_TIMEOUT_MS);
        } catch (error) {
          break;
        }
        if (reply.status === 401) {
          await forgetList();
          break;
        }
        if (noUsableAnswer(reply)) break;
        if (errorCode(reply) === "csrf_failed") {
          await sync();
          break;
        }
        await state.store.settle(item, await serverMovement(item, reply.body));
        state.queued = Math.max(0, state.queued - 1);
        state.sentSome = true;
      }
    } catch (error) {
      // Storage trouble: the queue stays as it is, tried again on the next round.
    } finally {
      state.draining = false;
      state.queued = await state.store.queueSize().catch(() => state.queued);
      renderStatus();
    }
  }

  // --- the door list ------------------------------------------------------------------
  // Download the list (in full the first time, then what changed since the cursor) and
  // apply it in one transaction once the whole answer is parsed.
  async function sync() {
    if (!state.store || state.syncing || !navigator.onLine) return;
    state.syncing = true;
    renderStatus();
    const since = state.meta ? state.meta.cursor : null;
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), since ? DELTA_TIMEOUT_MS : FULL_LIST_TIMEOUT_MS);
    const started = performance.now();
    try {
      const url = doorListUrl + (since ? "?since=" + encodeURIComponent(since) : "");
      const response = await fetch(url, {
        credentials: "same-origin",
        headers: { Accept: "application/json" },
        cache: "no-store",
        signal: controller.signal,
      });
      const receivedAt = Date.now();
      const answered = performance.now();
      if (response.status === 401) return await forgetList();
      if ((response.status === 400 || response.status === 422) && state.meta) {
        state.meta = Object.assign({}, state.meta, { cursor: null }); // a full list next time
        return;
      }
      if (!response.ok) return;
      const body = await response.json();
      if (body.format !== 1) return;
      if (!body.full && state.meta && body.key !== state.meta.key) {
        state.meta = Object.assign({}, state.meta, { cursor: null }); // a new key: all anew
        return;
      }
      const parsed = performance.now();
      const meta = await state.store.apply(body, receivedAt, state.meta);
      await useKey(meta.key);
      state.meta = meta;
      state.signedOut = false;
      if (body.csrf_token) csrfToken = body.csrf_token;
      measure("eventhub-door-list", started, {
        full: Boolean(body.full || !since),
        badges: body.badges.length,
        entries: body.entries.length,
        answerMs: answered - started,
        bodyMs: parsed - answered,
        storeMs: performance.now() - parsed,
      });
    } catch (error) {
      // No network, or a download cut halfway: the list stays as it was.
    } finally {
      clearTimeout(timer);
      state.syncing = false;
      renderStatus();
    }
  }

  // A 401: this device may no longer hold the list. The queue of unsent scans stays.
  async function forgetList() {
    state.signedOut = true;
    state.meta = null;
    state.key = null;
    state.keyText = null;
    if (state.store) await state.store.drop().catch(() => {});
    renderStatus();
  }

  // --- the status bar -----------------------------------------------------------------
  function renderStatus() {
    const online = navigator.onLine;
    statusBar.dataset.online = String(online);
    networkLine.textContent = online ? labels.online : labels.offlineNow;
    const age = state.meta ? Date.now() - state.meta.receivedAt : 0;
    let list;
    if (state.problem) list = state.problem;
    else if (state.signedOut) list = labels.listDropped;
    else if (state.meta) list = plural(labels.listOf, state.meta.count) + " · " + fill(labels.updated, { ago: ago(age) });
    else list = state.syncing ? labels.syncing : labels.neverSynced;
    listLine.classList.toggle("status-stale", age > STALE_AFTER_MS);
    listLine.textContent = list;
    listLine.dataset.count = state.meta ? String(state.meta.count) : "";
    listLine.dataset.state = state.problem ? "off" : state.signedOut ? "dropped" : state.meta ? "ready" : "empty";
    let queue = "";
    if (state.queued) queue = (state.draining ? labels.sending + " " : "") + plural(labels.queueWaiting, state.queued);
    else if (state.sentSome) queue = labels.allSent;
    queueLine.textContent = queue;
    queueLine.dataset.count = String(state.queued);
  }

  // --- the service worker and the cache -----------------------------------------------
  async function installShell() {
    if (!("serviceWorker" in navigator) || !window.isSecureContext) return;
    const controller = navigator.serviceWorker.controller;
    const workerUrl = new URL(root.dataset.sw, location.href).href;
    if (controller && controller.scriptURL !== workerUrl) {
      // This page came with the old worker's files: the new worker takes over, reload once.
      navigator.serviceWorker.addEventListener("controllerchange", reloadForNewVersion, { once: true });
    }
    try {
      await navigator.serviceWorker.register(root.dataset.sw, { scope: root.dataset.swScope });
      await fillCache(!controller);
      root.dataset.shell = "cached";
    } catch (error) {
      // Offline or refused: the page works online as before.
    }
  }

  function reloadForNewVersion() {
    const guard = "eventhub.scanner.reloaded." + root.dataset.cache;
    if (busy() || sessionStorage.getItem(guard)) return;
    sessionStorage.setItem(guard, "1");
    location.reload();
  }

  // The first load is not controlled by the worker: put this page and every static file
  // it uses into the worker's cache now.
  async function fillCache(withPage) {
    if (!("caches" in window)) return;
    const cache = await caches.open(root.dataset.cache);
    const urls = new Set(shellUrls);
    const selector = 'link[rel~="stylesheet"][href], link[rel~="icon"][href], link[rel="apple-touch-icon"][href], script[src]';
    for (const element of document.querySelectorAll(selector)) {
      const url = new URL(element.href || element.src, location.href);
      if (url.origin === location.origin && url.pathname.startsWith("/static/")) urls.add(url.pathname + url.search);
    }
    await Promise.all(
      [...urls].map(async (url) => {
        if (!(await cache.match(url, { ignoreVary: true }))) await cache.add(url);
      }).map((adding) => adding.catch(() => {}))
    );
    if (withPage) {
      const response = await fetch(location.pathname, { credentials: "same-origin" });
      if (response.ok && !response.redirected) await cache.put(location.pathname, response);
    }
  }

  // --- scans wait their turn ----------------------------------------------------------
  // A handheld scanner can type the next badge while the answer to the one before is
  // still on its way, and no scan may be lost.
  const pending = [];
  let checking = false;
  let activeScan = null; // the scan being checked, for its timing

  function busy() {
    return checking || pending.length > 0;
  }

  async function work() {
    checking = true;
    try {
      while (pending.length) {
        const scan = pending.shift();
        activeScan = scan;
        try {
          await check(scan);
        } catch (error) {
          showProblem(labels.offline);
        }
        activeScan = null;
      }
    } finally {
      checking = false;
    }
  }

  function submit(code, options) {
    code = code.trim();
    if (!code) return;
    const override = Boolean(options && options.override);
    pending.push({ code: code, at: Date.now(), mark: performance.now(), override: override });
    if (!checking) work();
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const code = input.value;
    input.value = "";
    submit(code);
  });

  // --- camera (qr-camera.js) ----------------------------------------------------------
  const camera = window.EventHubQrCamera.create({
    video: video,
    frame: frame,
    onCode: submit,
    onStarted: () => {
      cameraButton.textContent = labels.cameraOn;
    },
    onStopped: () => {
      cameraButton.textContent = labels.cameraOff;
    },
    onUnavailable: () => show("red", labels.offlineTitle, { message: labels.cameraUnavailable }),
  });

  cameraButton.addEventListener("click", () => {
    if (camera.running) camera.stop();
    else if (camera.supported) camera.start();
    else show("red", labels.offlineTitle, { message: labels.cameraUnavailable });
    keepFocus();
  });

  // --- start --------------------------------------------------------------------------
  async function syncAndSend() {
    await sync();
    await drain();
  }

  async function start() {
    renderStatus();
    installShell();
    if (!window.isSecureContext || !window.crypto || !crypto.subtle) {
      state.problem = labels.needsHttps;
      return renderStatus();
    }
    try {
      state.store = await DoorStore.open(slug);
      state.meta = await state.store.meta();
      if (state.meta) await useKey(state.meta.key);
      state.queued = await state.store.queueSize();
    } catch (error) {
      state.store = null;
      state.meta = null;
      state.problem = labels.noStorage;
      return renderStatus();
    }
    renderStatus();
    window.addEventListener("online", syncAndSend);
    window.addEventListener("offline", renderStatus);
    setInterval(syncAndSend, SYNC_MS);
    setInterval(renderStatus, 1000);
    syncAndSend();
  }

  start();
})();
