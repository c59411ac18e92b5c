// EventHub: QR codes read from the device's camera, shared by the door scanner
// (scanner.js) and the exhibitors' lead scanner (leads.js). BarcodeDetector where the
// browser has it, else the vendored jsQR (static/vendor/jsqr, loaded before this file).
//
//   const camera = EventHubQrCamera.create({ video, frame, onCode, onStarted, onStopped,
//                                            onUnavailable });
//   camera.supported  // getUserMedia is there
//   camera.running    // a stream is open
//   camera.start(); camera.stop();
//
// A code is passed to onCode once, and again only after 3 s, however many frames show it.
(function () {
  "use strict";

  const REPEAT_AFTER_MS = 3000;
  const FRAME_PAUSE_MS = 120;

  function create(options) {
    const video = options.video;
    const frame = options.frame;
    const noop = function () {};
    const onCode = options.onCode || noop;
    const onStarted = options.onStarted || noop;
    const onStopped = options.onStopped || noop;
    const onUnavailable = options.onUnavailable || noop;
    let stream = null;
    let lastCode = { code: "", at: 0 };
    let detector = null;
    if ("BarcodeDetector" in window) {
      try {
        detector = new window.BarcodeDetector({ formats: ["qr_code"] });
      } catch (error) {
        detector = null;
      }
    }

    async function decodeFrame() {
      if (!stream) return;
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
        if (text && !(text === lastCode.code && now - lastCode.at < REPEAT_AFTER_MS)) {
          lastCode = { code: text, at: now };
          onCode(text);
        }
      }
      setTimeout(() => requestAnimationFrame(decodeFrame), FRAME_PAUSE_MS);
    }

    async function start() {
      try {
        stream = await navigator.mediaDevices.getUserMedia({
          video: { facingMode: "environment", width: { ideal: 1280 }, height: { ideal: 720 } },
          audio: false,
        });
      } catch (error) {
        stream = null;
        onUnavailable(error);
        return;
      }
      video.srcObject = stream;
      video.hidden = false;
      await video.play().catch(() => {});
      onStarted();
      decodeFrame();
    }

    function stop() {
      if (stream) stream.getTracks().forEach((track) => track.stop());
      stream = null;
      video.hidden = true;
      onStopped();
    }

    return {
      get supported() {
        return Boolean(navigator.mediaDevices && navigator.mediaDevices.getUserMedia);
      },
      get running() {
        return Boolean(stream);
      },
      start: start,
      stop: stop,
    };
  }

  window.EventHubQrCamera = { create: create };
})();
