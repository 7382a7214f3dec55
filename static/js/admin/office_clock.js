// Admin times are on the office's own clock, with its zone named (offices/admin/times.py),
// so Django's "Note: you are N hours ahead of server time" under a time field is wrong
// here: it compares the browser's zone with the page's (the office's) and invites a
// supervisor in Jakarta to "correct" a Makassar time. Django's DateTimeShortcuts shows it
// only when <body data-admin-utc-offset> is set; this runs (deferred) before that script
// starts on window load, and removes it.
(function () {
  "use strict";
  if (document.body) delete document.body.dataset.adminUtcOffset;

  // A time field's "Choose a time" list names its hours as every time in the product is
  // written ("06.00" in Indonesian, "06:00" in English: the language's first time input
  // format, queue_booking/formats), not Django's "6 a.m.", "6 pagi", "Noon" or "Siang".
  const shortcuts = window.DateTimeShortcuts;
  if (!shortcuts || typeof window.get_format !== "function") return;
  const format = window.get_format("TIME_INPUT_FORMATS")[0];
  const at = (hour) => new Date(1970, 1, 1, hour, 0, 0, 0).strftime(format);
  shortcuts.clockHours.default_ = [["Now", -1], ...[0, 6, 12, 18].map((hour) => [at(hour), hour])];
})();
