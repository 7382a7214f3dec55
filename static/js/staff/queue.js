// Public queue page: refresh the numbers from the API every 5 s (the page works without it).
(function () {
  "use strict";
  var root = document.querySelector("[data-queue]");
  if (!root) return;
  var url = root.getAttribute("data-api-url");
  // "14.16" in Indonesian, "14:16" in English, as the page writes it (public_ui.iso_clock).
  function clock(iso) {
    var hhmm = (iso || "").slice(11, 16);
    return document.documentElement.lang.indexOf("id") === 0 ? hhmm.replace(":", ".") : hhmm;
  }
  function set(node, value) { if (node) node.textContent = value === null || value === undefined ? "–" : value; }
  function render(q) {
    // Opened or closed meanwhile: the notice above the numbers is the page's own, read again.
    if (q.service && q.service.state !== root.getAttribute("data-service-state")) {
      window.location.reload();
      return;
    }
    q.tracks.forEach(function (t) {
      var card = root.querySelector('[data-track="' + t.track + '"]');
      if (!card) return;
      ["now_serving", "waiting", "ahead", "estimated_wait_text"].forEach(function (f) {
        set(card.querySelector('[data-field="' + f + '"]'), t[f]);
      });
    });
    var list = root.querySelector("[data-counters]");
    list.replaceChildren();
    if (!q.counters.length) {
      // The last counter retired or service stopped: no tile may stay behind.
      var none = document.createElement("li");
      none.className = "muted";
      none.textContent = list.getAttribute("data-text-none") || "";
      list.appendChild(none);
    } else {
      q.counters.forEach(function (c) {
        var li = document.createElement("li");
        var name = document.createElement("span");
        name.textContent = c.counter;
        // Served or missed: the counter is free, its last number no longer called.
        var num = document.createElement(c.serving ? "strong" : "span");
        if (c.serving) num.textContent = c.queue_number;
        else {
          num.className = "muted";
          num.textContent = list.getAttribute("data-text-free") || "";
        }
        li.append(name, " ", num);
        list.appendChild(li);
      });
    }
    set(document.querySelector("[data-queue-updated]"), clock(q.updated_at));
  }
  // Said in words while a refresh fails, cleared by the next that works: the numbers stay as
  // they were, and only the "Updated" time, easily missed, showed they were old.
  var stale = document.querySelector("[data-queue-stale]");
  function markStale(isStale) {
    if (stale) stale.textContent = isStale ? stale.getAttribute("data-msg") : "";
  }
  function poll() {
    fetch(url, { headers: { Accept: "application/json" } })
      .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
      .then(function (q) { markStale(false); render(q); })
      .catch(function () { markStale(true); })
      .then(function () { setTimeout(poll, 5000); });
  }
  setTimeout(poll, 5000);
})();
