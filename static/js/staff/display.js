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
    announce: root.getAttribute("data-text-announce"),
    page: root.getAttribute("data-text-page"),
    stoppedTitle: root.getAttribute("data-text-stopped-title"),
    stoppedDetail: root.getAttribute("data-text-stopped-detail"),
    closedTitle: root.getAttribute("data-text-closed-title"),
    closedNext: root.getAttribute("data-text-closed-next"),
    closedNone: root.getAttribute("data-text-closed-none")
  };
  // The time of the newest call drawn: only a later one is announced, not an earlier call
  // still live that comes back into "now calling" when a later one ends.
  var lastAt = null;
  var speak = false;
  var failures = 0;
  var INTERVAL = 1500;
  // Up to PAGE_TILES counter tiles at once, at the sizes static/css/staff.css gives them
  // (read from across the hall); more are shown in pages that turn every PAGE_SECONDS by
  // the server's clock, as in the page the server draws (board_pages in
  // applicants/views/queue_boards.py): every TV in the hall shows the same page.
  var PAGE_TILES = parseInt(root.getAttribute("data-page-tiles"), 10) || 20;
  var PAGE_SECONDS = parseInt(root.getAttribute("data-page-seconds"), 10) || 8;
  var clockOffset = 0;
  var pageTimer = null;
  var pageShown = "";
  // A word too long for its line is set a little smaller, down to MIN_SCALE of its size,
  // and past that broken between syllables with a hyphen: never cut in the middle without
  // one. Only a little: at twenty tiles a name is 3% of the screen's height (21.6 pixels on
  // a 1280x720 TV), and 70% of that ("Kewarganegaraan" at 15 pixels) could not be read
  // across the hall; 93% keeps every name at 20 pixels or more there.
  var MIN_SCALE = 0.93;
  var counters = root.querySelector("[data-counters]");
  // Words are measured whole (staff.css breaks them anywhere only for a board without this script).
  root.classList.add("is-fitted");

  function el(tag, cls, content) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (content !== undefined) node.textContent = content;
    return node;
  }

  // word with the places it may be broken at, the fewest first (as the browser breaks at
  // the last place that fits): 1. where words were run together: after a slash, and with
  // a hyphen where a capital starts a word ("Pengambilan/" over "Penyerahan", "Loket-"
  // over "Pengambilan"); 2. also with a hyphen between syllables, before a consonant
  // followed by a vowel, "ng" and "ny" kept together ("Ke-war-ga-ne-ga-ra-an",
  // "Pe-ngam-bi-lan"), two letters at least on each side; 3. also between any two letters.
  function hyphenated(word, level) {
    var breaks = {};
    for (var i = 2; i <= word.length - 2; i += 1) {
      if (/[a-z]/.test(word[i - 1]) && /[A-Z]/.test(word[i])) {
        breaks[i] = true;
      } else if (level === 3) {
        breaks[i] = /\w/.test(word[i - 1]) && /\w/.test(word[i]);
      } else if (level === 2 && /[b-df-hj-np-tv-z][aeiou]|[B-DF-HJ-NP-TV-Z][AEIOU]/.test(word.substr(i, 2))) {
        var at = /n/i.test(word[i - 1]) && /[gy]/i.test(word[i]) ? i - 1 : i;
        if (at >= 2 && /\w/.test(word[at - 1])) breaks[at] = true;
      }
    }
    var out = "";
    for (var n = 0; n < word.length; n += 1) {
      out += (breaks[n] ? "\u00ad" : "") + word[n];
      if (word[n] === "/") out += "\u200b";
    }
    return out;
  }

  function overflows(box) {
    return box.scrollWidth > box.clientWidth;
  }

  // Writes a counter's name into node, each word whole on one line: a word wider than the
  // line gets a span of its own, set smaller, and broken with a hyphen only past MIN_SCALE.
  // box: the block the line is as wide as (node itself, or the line node is part of).
  // It measures, so it does something only where node is shown.
  function fitName(node, box) {
    var name = node.textContent.replace(/[\u00ad\u200b]/g, "");
    node.textContent = name;
    if (!box.clientWidth || !overflows(box)) return;
    var line = box.clientWidth - 1;
    var range = document.createRange();
    var words = /\S+/g;
    var parts = [];
    var from = 0;
    var match;
    while ((match = words.exec(name))) {
      range.setStart(node.firstChild, match.index);
      range.setEnd(node.firstChild, match.index + match[0].length);
      var width = range.getBoundingClientRect().width;
      if (width <= line) continue;
      parts.push(name.slice(from, match.index), { word: match[0], scale: Math.floor((line / width) * 100) / 100 });
      from = match.index + match[0].length;
    }
    parts.push(name.slice(from));
    node.replaceChildren();
    parts.forEach(function (part) {
      if (typeof part === "string") {
        if (part) node.appendChild(document.createTextNode(part));
        return;
      }
      var span = el("span", "display-fit", part.word);
      span.style.fontSize = Math.max(part.scale, MIN_SCALE) + "em";
      node.appendChild(span);
      for (var level = 1; level <= 3 && overflows(box); level += 1) {
        span.textContent = hyphenated(part.word, level);
      }
    });
  }

  function fitNames() {
    counters.querySelectorAll("li:not([hidden]) .display-counter-name").forEach(function (node) {
      fitName(node, node);
    });
    var latest = root.querySelector("[data-latest-counter]");
    fitName(latest, latest);
    root.querySelectorAll("[data-recent] .display-recent-counter").forEach(function (node) {
      fitName(node, node.parentNode);
    });
  }

  // The page of counter tiles the clock is at: the tiles of the others hidden, the page
  // named and its time drawn filling up, the next turn set.
  function showPage() {
    var tiles = [].slice.call(counters.children).filter(function (li) {
      return !li.classList.contains("display-empty");
    });
    var pages = Math.max(1, Math.ceil(tiles.length / PAGE_TILES));
    var size = Math.ceil(tiles.length / pages);
    var turn = PAGE_SECONDS * 1000;
    var now = Date.now() + clockOffset;
    var page = Math.floor(now / turn) % pages;
    // The tiles' sizes follow the number a page holds (static/css/staff.css), so that 20 fit the TV.
    root.setAttribute("data-tiles", String(size));
    tiles.forEach(function (li, n) {
      li.hidden = Math.floor(n / size) !== page;
    });
    if (pages + ":" + page !== pageShown) {
      pageShown = pages + ":" + page;
      root.querySelector("[data-pages]").hidden = pages < 2;
      root.querySelector("[data-page-text]").textContent = (text.page || "")
        .replace("%(page)s", String(page + 1))
        .replace("%(pages)s", String(pages));
      var marks = root.querySelector("[data-page-marks]");
      marks.replaceChildren();
      for (var n = 0; n < pages; n += 1) {
        var mark = el("span", n === page ? "is-current" : "");
        var fill = el("span");
        if (n === page) {
          fill.style.animationDuration = PAGE_SECONDS + "s";
          fill.style.animationDelay = -(now % turn) + "ms";
        }
        mark.appendChild(fill);
        marks.appendChild(mark);
      }
    }
    clearTimeout(pageTimer);
    if (pages > 1) pageTimer = setTimeout(showPage, turn - (now % turn) + 20);
    fitNames();
  }

  function render(state) {
    // Only a call still live: once served or missed it is no longer "now calling".
    var latest = state.calling;
    // Stopped for the day: no call is live any more. The call and the counters go (as the
    // page drawn by the server leaves them out), the last number stays among those called before.
    // A day without service (a weekend, a holiday) is shown as such, like a stopped day:
    // no number will be called today, and the next service day is said when known.
    var closed = !state.stopped && !!state.no_service;
    var stopped = !!state.stopped || closed;
    root.classList.toggle("is-stopped", stopped);
    var notice = root.querySelector("[data-stopped]");
    notice.hidden = !stopped;
    notice.classList.toggle("is-closed-day", closed);
    notice.querySelector("[data-stopped-title]").textContent = closed ? text.closedTitle : text.stoppedTitle;
    notice.querySelector("[data-stopped-detail]").textContent = !closed
      ? text.stoppedDetail
      : state.no_service.next_date
        ? text.closedNext.replace("%(date)s", state.no_service.next_date_text)
        : text.closedNone;
    root.querySelector(".display-latest").hidden = stopped;
    root.querySelector(".display-counters").hidden = stopped;
    // Nobody called: the box is dimmed, so its "–" is not taken for a call.
    root.querySelector(".display-latest").classList.toggle("is-idle", !latest);
    root.querySelector("[data-latest-number]").textContent = latest ? latest.queue_number : "–";
    root.querySelector("[data-latest-counter]").textContent = latest ? latest.counter : "";
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
    // None yet: a line says where they will be (once stopped, none will: staff.css hides it).
    root.querySelector(".display-recent").classList.toggle("is-empty", !state.recent.length);
    root.querySelector("[data-recent-none]").hidden = state.recent.length > 0;
    Object.keys(state.waiting).forEach(function (track) {
      var node = root.querySelector('[data-waiting="' + track + '"]');
      if (node) node.textContent = state.waiting[track];
    });
    if (state.now) {
      // "14.16" in Indonesian, "14:16" in English, as the page writes it (public_ui.iso_clock).
      var hhmm = state.now.slice(11, 16);
      root.querySelector("[data-clock]").textContent = lang.indexOf("id") === 0 ? hhmm.replace(":", ".") : hhmm;
      var serverNow = Date.parse(state.now);
      if (!isNaN(serverNow)) clockOffset = serverNow - Date.now();
    }
    showPage();
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
  // A name's room changes with the screen (the TV's own, or leaving full screen).
  window.addEventListener("resize", fitNames);
  // The page drawn by the server shows the page of tiles of its clock; display.js turns
  // them from its first poll on.
  fitNames();
  poll();
})();
