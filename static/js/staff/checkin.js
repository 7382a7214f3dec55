// Check-in: scan the proof's QR with the device camera and submit it as if typed.
// Uses the browser's BarcodeDetector where present, otherwise the vendored jsQR.
// Without this file the typed-code form works on its own.
(function () {
  "use strict";
  var box = document.querySelector("[data-scanner]");
  var form = document.querySelector("[data-lookup-form]");
  if (!box || !form || !navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) return;
  var input = form.querySelector("input[name=code]");
  var video = box.querySelector("[data-scan-video]");
  var start = box.querySelector("[data-scan-start]");
  var stop = box.querySelector("[data-scan-stop]");
  var status = box.querySelector("[data-scan-status]");
  // Messages come translated from the page (data-msg-*), so no JS catalogue is needed.
  function t(name) { return box.getAttribute("data-msg-" + name) || ""; }
  var stream = null;
  var timer = null;
  var detector = null;
  var canvas = document.createElement("canvas");
  var ctx = canvas.getContext("2d", { willReadFrequently: true });
  box.hidden = false;

  function say(text) { status.textContent = text; }

  function loadJsQR() {
    if (window.jsQR) return Promise.resolve();
    return new Promise(function (resolve, reject) {
      var s = document.createElement("script");
      s.src = box.getAttribute("data-jsqr-src");
      s.onload = resolve;
      s.onerror = reject;
      document.head.appendChild(s);
    });
  }

  function halt() {
    if (timer) { clearTimeout(timer); timer = null; }
    if (stream) { stream.getTracks().forEach(function (tr) { tr.stop(); }); stream = null; }
    video.hidden = true;
    stop.hidden = true;
    start.hidden = false;
  }

  function found(text) {
    halt();
    say(t("read"));
    input.value = text;
    form.submit();
  }

  function tick() {
    if (!stream) return;
    if (video.readyState < 2) { timer = setTimeout(tick, 150); return; }
    if (detector) {
      detector.detect(video).then(function (codes) {
        if (codes.length) found(codes[0].rawValue); else timer = setTimeout(tick, 150);
      }, function () { timer = setTimeout(tick, 300); });
      return;
    }
    canvas.width = video.videoWidth;
    canvas.height = video.videoHeight;
    ctx.drawImage(video, 0, 0, canvas.width, canvas.height);
    var image = ctx.getImageData(0, 0, canvas.width, canvas.height);
    var code = window.jsQR(image.data, image.width, image.height, { inversionAttempts: "dontInvert" });
    if (code && code.data) found(code.data); else timer = setTimeout(tick, 200);
  }

  function chooseDecoder() {
    if ("BarcodeDetector" in window) {
      return window.BarcodeDetector.getSupportedFormats().then(function (formats) {
        if (formats.indexOf("qr_code") >= 0) { detector = new window.BarcodeDetector({ formats: ["qr_code"] }); return; }
        return loadJsQR();
      }, loadJsQR);
    }
    return loadJsQR();
  }

  start.addEventListener("click", function () {
    say(t("starting"));
    chooseDecoder().then(function () {
      return navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" }, audio: false });
    }).then(function (s) {
      stream = s;
      video.srcObject = s;
      video.hidden = false;
      start.hidden = true;
      stop.hidden = false;
      return video.play();
    }).then(function () {
      say(t("aim"));
      tick();
    }).catch(function () {
      halt();
      say(t("unavailable"));
      input.focus();
    });
  });
  stop.addEventListener("click", function () { halt(); say(""); input.focus(); });
  window.addEventListener("pagehide", halt);
})();
