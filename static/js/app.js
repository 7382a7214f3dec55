// Progressive enhancement only: every page works without this file.
// No inline scripts anywhere, so a strict Content-Security-Policy can forbid them.
(function () {
  "use strict";

  // "Offices near me": the browser's location goes to the server as ?lat=&lon=, which
  // sorts offices by distance. Nothing is stored; without JS the search and province
  // filter do the same job.
  function setUpNearMe() {
    var box = document.querySelector("[data-near-me]");
    if (!box || !("geolocation" in navigator)) return;
    var button = box.querySelector("button");
    var status = box.querySelector("[data-near-me-status]");
    box.hidden = false;
    button.addEventListener("click", function () {
      status.textContent = box.getAttribute("data-msg-locating");
      button.disabled = true;
      navigator.geolocation.getCurrentPosition(
        function (position) {
          var params = new URLSearchParams();
          params.set("lat", position.coords.latitude.toFixed(4));
          params.set("lon", position.coords.longitude.toFixed(4));
          window.location.assign(window.location.pathname + "?" + params.toString());
        },
        function () {
          status.textContent = box.getAttribute("data-msg-denied");
          button.disabled = false;
        },
        { enableHighAccuracy: false, timeout: 10000, maximumAge: 600000 }
      );
    });
  }

  // After a failed submit, move focus to the error summary so keyboard and screen
  // reader users land on it (role=alert announces it as well).
  function focusErrorSummary() {
    var summary = document.querySelector("[data-error-summary]");
    if (summary) summary.focus();
  }

  // Live queue position on the proof page: refresh the numbers without a reload.
  function setUpLiveQueue() {
    var box = document.querySelector("[data-queue-url]");
    if (!box || !window.fetch) return;
    var url = box.getAttribute("data-queue-url");
    var every = parseInt(box.getAttribute("data-refresh-seconds") || "20", 10) * 1000;
    var timer = null;
    // Said in words when a refresh fails (no network, a server error), and cleared by the next
    // one that works: a person in the waiting room must not take old numbers for current ones.
    var stale = box.querySelector("[data-queue-stale]");

    function markStale(isStale) {
      box.setAttribute("data-stale", isStale ? "true" : "false");
      if (stale) stale.textContent = isStale ? stale.getAttribute("data-msg") : "";
    }

    function put(name, value) {
      var el = box.querySelector('[data-field="' + name + '"]');
      if (el && value !== undefined && value !== null) {
        el.textContent = value;
        // A line shown only once it has something to say (the call to a counter).
        if (el.hasAttribute("data-field") && el.hidden && value !== "") el.hidden = false;
      }
    }

    function refresh() {
      fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin", cache: "no-store" })
        .then(function (response) {
          if (!response.ok) throw new Error(response.status);
          return response.json();
        })
        .then(function (data) {
          // Checked in, called, served: the banner, the facts and the actions above and below
          // the numbers say the status too, so the page is drawn again, not left saying
          // "Checked in" beside "Your number is being called".
          if (data.status_code && data.status_code !== box.getAttribute("data-status-code")) {
            window.clearInterval(timer);
            window.location.reload();
            return;
          }
          Object.keys(data).forEach(function (key) {
            if (typeof data[key] !== "object") put(key, data[key]);
          });
          // Without an estimate the wait is a sentence saying why, set smaller than a number.
          var wait = box.querySelector('[data-field="estimated_wait"]');
          if (wait) wait.toggleAttribute("data-unknown", data.estimated_wait_known === false);
          markStale(false);
          if (data.finished) window.clearInterval(timer);
        })
        .catch(function () {
          markStale(true);
        });
    }

    timer = window.setInterval(function () {
      if (!document.hidden) refresh();
    }, Math.max(every, 5000));
    document.addEventListener("visibilitychange", function () {
      if (!document.hidden) refresh();
    });
  }

  // Print button on the proof page (the browser's own print works without it).
  function setUpPrint() {
    document.querySelectorAll("[data-print]").forEach(function (button) {
      button.hidden = false;
      button.addEventListener("click", function () {
        window.print();
      });
    });
  }

  // Forms whose second sending would fail or mislead: a double tap on "Confirm booking"
  // sends the booking twice, and the second answer ("this NIK already has an active
  // booking") replaces the proof of the first; renewing the secret link ends the link the
  // form was sent from, so a second request finds nothing (404). The first tap sends the
  // form as usual; the buttons are disabled just after, and the tapped one says it is
  // sending (data-sending-label), so a slow phone shows that something is happening.
  // Listened for on the document, not on each form: a staff screen swaps its live parts,
  // forms included, for fresh copies every few seconds (static/js/staff/live.js).
  function setUpSubmitOnce() {
    document.addEventListener("submit", function (event) {
      var form = event.target;
      if (!form.matches || !form.matches("form[data-submit-once]") || event.defaultPrevented) return;
      if (form.getAttribute("data-sent") === "true") {
        event.preventDefault();
        return;
      }
      form.setAttribute("data-sent", "true");
      form.setAttribute("aria-busy", "true");
      var tapped = event.submitter;
      var label = form.getAttribute("data-sending-label");
      window.setTimeout(function () {
        form.querySelectorAll("button[type=submit]").forEach(function (button) {
          button.disabled = true;
        });
        if (tapped && label) {
          tapped.setAttribute("data-label", tapped.textContent);
          tapped.textContent = label;
        }
      }, 0);
    });
    // Back from the next page, the browser may show this page as it was left: sendable again.
    window.addEventListener("pageshow", function (event) {
      if (!event.persisted) return;
      document.querySelectorAll("form[data-sent=true]").forEach(function (form) {
        form.removeAttribute("data-sent");
        form.removeAttribute("aria-busy");
        form.querySelectorAll("button[type=submit]").forEach(function (button) {
          button.disabled = false;
          if (button.hasAttribute("data-label")) {
            button.textContent = button.getAttribute("data-label");
            button.removeAttribute("data-label");
          }
        });
      });
    });
  }

  // A language button on a page with a form (the booking form, its review page) sends that
  // form back to its page with the language asked for, so what was typed stays
  // (queue_booking/language_switch.py). Without this the button goes to set_language as
  // on every other page, and the page comes back empty in the new language. The buttons
  // stay in their own form: inside the page's form's reach they would become its default
  // button, which Enter in a field presses.
  function setUpLanguageSwitchKeepingForm() {
    var switcher = document.querySelector("form.lang-switch[data-language-form]");
    if (!switcher) return;
    var target = document.getElementById(switcher.getAttribute("data-language-form"));
    if (!target) return;
    switcher.addEventListener("submit", function (event) {
      var button = event.submitter;
      if (!button || button.name !== "language") return;
      event.preventDefault();
      var field = document.createElement("input");
      field.type = "hidden";
      field.name = "switch_language";
      field.value = button.value;
      target.appendChild(field);
      target.submit(); // not requestSubmit(): no validation and no "sending" state for a language
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    setUpNearMe();
    focusErrorSummary();
    setUpLiveQueue();
    setUpPrint();
    setUpSubmitOnce();
    setUpLanguageSwitchKeepingForm();
  });
})();
