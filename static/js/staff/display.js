// Display board: polls the office's state every 1.5 s and redraws the numbers.
// Announces each new call (aria-live, and speech once someone has tapped the screen).
(function () {
  "use strict";
  var root = document.querySelector("[data-display]");
  if (!root) return;
  var url = root.getAttribute("data-state-url");
  var lang = root.getAttribute("data-lang") || "id";
  // Words from the page's own attributes (no inline script: the Content-Security-Policy forbids it).
  var text = {
    empty: root.getAttribute("data-text-empty"),
    free: root.getAttribute("data-text-free"),
    offline: root.getAttribute("data-text-offline"),
    announce: root.getAttribute("data-text-announce")
  };
  // The time of the newest call drawn: only a later one is announced, not an earlier call
  // still live that comes back into "now calling" when a later one ends.
  var lastAt = null;
  var speak = false;
  var failures = 0;
  var INTERVAL = 1500;

  function el(tag, cls, content) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (content !== undefined) node.textContent = content;
    return node;
  }

  function render(state) {
    // Only a call still live: once served or missed it is no longer "now calling".
    var latest = state.calling;
    // Stopped for the day: no call is live any more. The call and the counters go (as the
    // page drawn by the server leaves them out), the last number stays among those called before.
    var stopped = !!state.stopped;
    root.classList.toggle("is-stopped", stopped);
    root.querySelector("[data-stopped]").hidden = !stopped;
    root.querySelector(".display-latest").hidden = stopped;
    root.querySelector(".display-counters").hidden = stopped;
    // Nobody called: the box is dimmed, so its "–" is not taken for a call.
    root.querySelector(".display-latest").classList.toggle("is-idle", !latest);
    root.querySelector("[data-latest-number]").textContent = latest ? latest.queue_number : "–";
    root.querySelector("[data-latest-counter]").textContent = latest ? latest.counter : "";
    var counters = root.querySelector("[data-counters]");
    // The tiles' sizes follow their number (static/css/staff.css), so that 20 fit the TV.
    root.setAttribute("data-tiles", String(state.counters.length));
    counters.replaceChildren();
    if (!state.counters.length) counters.appendChild(el("li", "display-empty", text.empty || ""));
    state.counters.forEach(function (c) {
      // A counter whose person was served or missed is free, not still showing them, as is
      // an open one that has called nobody yet.
      var li = el("li", c.serving ? "serving" : "free");
      li.appendChild(el("span", "display-counter-name", c.counter));
      if (c.serving) li.appendChild(el("span", "display-counter-number", c.queue_number));
      else li.appendChild(el("span", "display-counter-free", text.free || ""));
      counters.appendChild(li);
    });
    var recent = root.querySelector("[data-recent]");
    recent.replaceChildren();
    // Only calls that are over (or, once stopped, the last ones called): a number still
    // called is on its counter's tile, never twice on the board.
    state.recent.forEach(function (r) {
      var li = el("li");
      li.appendChild(el("span", "", r.queue_number));
      li.appendChild(document.createTextNode(" "));
      li.appendChild(el("span", "display-recent-counter", r.counter));
      recent.appendChild(li);
    });
    Object.keys(state.waiting).forEach(function (track) {
      var node = root.querySelector('[data-waiting="' + track + '"]');
      if (node) node.textContent = state.waiting[track];
    });
    if (state.now) {
      // "14.16" in Indonesian, "14:16" in English, as the page writes it (public_ui.iso_clock).
      var hhmm = state.now.slice(11, 16);
      root.querySelector("[data-clock]").textContent = lang.indexOf("id") === 0 ? hhmm.replace(":", ".") : hhmm;
    }
    var at = latest ? latest.at : "";
    if (lastAt !== null && at > lastAt && !stopped) {
      var box = root.querySelector(".display-latest");
      box.classList.remove("flash");
      void box.offsetWidth;
      box.classList.add("flash");
      if (speak && "speechSynthesis" in window && text.announce) {
        var u = new SpeechSynthesisUtterance(
          text.announce.replace("%(number)s", latest.queue_number.split("").join(" ")).replace("%(counter)s", latest.counter)
        );
        u.lang = lang === "en" ? "en-US" : "id-ID";
        window.speechSynthesis.speak(u);
      }
    }
    if (lastAt === null || at > lastAt) lastAt = at;
  }

  function poll() {
    fetch(url, { cache: "no-store", headers: { Accept: "application/json" } })
      .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
      .then(function (state) {
        failures = 0;
        root.querySelector("[data-status]").textContent = "";
        render(state);
      })
      .catch(function () {
        failures += 1;
        if (failures >= 3) root.querySelector("[data-status]").textContent = text.offline || "";
      })
      .then(function () { setTimeout(poll, INTERVAL); });
  }

  var fs = root.querySelector("[data-fullscreen]");
  if (document.documentElement.requestFullscreen) {
    fs.hidden = false;
    fs.addEventListener("click", function () {
      speak = true;
      document.documentElement.requestFullscreen().catch(function () {});
    });
  }
  document.addEventListener("click", function () { speak = true; });
  document.addEventListener("fullscreenchange", function () { fs.hidden = !!document.fullscreenElement; });
  poll();
})();
