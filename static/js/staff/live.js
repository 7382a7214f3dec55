// Staff screens that change while nobody touches them (a counter, today's board): every
// few seconds the page is read again and the parts marked [data-live] are swapped for
// their fresh copies, so "nobody is waiting" becomes "3 people waiting" without a reload.
// A part holding the keyboard focus, or a form being sent, is left alone until it loses
// it; a hidden tab is not polled. Without JavaScript the page works as before, and a
// reload shows the same.
(function () {
  "use strict";
  var root = document.querySelector("[data-live-refresh]");
  if (!root || !window.fetch || !window.DOMParser) return;
  var seconds = parseFloat(root.getAttribute("data-live-refresh")) || 10;

  function refresh() {
    if (document.visibilityState === "hidden") return Promise.resolve();
    return fetch(window.location.href, { credentials: "same-origin", headers: { Accept: "text/html", "X-Live-Refresh": "1" } })
      .then(function (response) {
        // Signed out, or the counter closed meanwhile: leave the page as it is.
        return response.ok && !response.redirected ? response.text() : null;
      })
      .then(function (html) {
        if (!html) return;
        var fresh = new DOMParser().parseFromString(html, "text/html");
        document.querySelectorAll("[data-live][id]").forEach(function (old) {
          // A form being sent (static/js/app.js, data-submit-once) stays as it is: a fresh
          // copy could be sent again by a second tap while the first is on its way.
          if (old.contains(document.activeElement) || old.querySelector("form[data-sent=true]")) return;
          var next = fresh.getElementById(old.id);
          if (next && next.innerHTML !== old.innerHTML) old.replaceWith(document.importNode(next, true));
        });
      })
      .catch(function () {});
  }

  function loop() {
    refresh().then(function () { setTimeout(loop, seconds * 1000); });
  }
  setTimeout(loop, seconds * 1000);
})();
