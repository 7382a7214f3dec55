// Admin times are on the office's own clock, with its zone named (offices/admin/times.py),
// so Django's "Note: you are N hours ahead of server time" under a time field is wrong
// here: it compares the browser's zone with the page's (the office's) and invites a
// supervisor in Jakarta to "correct" a Makassar time. Django's DateTimeShortcuts shows it
// only when <body data-admin-utc-offset> is set; this runs (deferred) before that script
// starts on window load, and removes it.
(function () {
  "use strict";
  if (document.body) delete document.body.dataset.adminUtcOffset;
})();
