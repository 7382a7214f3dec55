// The admin's date fields show a month's name in English ("17 Dec 2026",
// queue_booking/formats/en). Django's calendar writes a picked date that way, but reads
// a field's date back (to open at its month, with its day marked) only from numbers
// split by ".", "-" or "/": with a name it opened at today's month. This reads %d, %m,
// %b, %B, %Y and %y between any separators, and leaves numeric formats to Django.
(function () {
  "use strict";
  const numeric = String.prototype.strptime;
  if (typeof numeric !== "function") {
    return;
  }
  function monthOf(word) {
    const names = window.CalendarNamespace || {};
    const lists = [names.monthsOfYear || [], names.monthsOfYearAbbrev || []];
    const wanted = word.toLowerCase().replace(/\.$/, "");
    for (const list of lists) {
      const index = list.findIndex((name) => String(name).toLowerCase().replace(/\.$/, "") === wanted);
      if (index >= 0) {
        return index;
      }
    }
    return undefined;
  }
  String.prototype.strptime = function (format) {
    if (!/%[bB]/.test(format)) {
      return numeric.call(this, format);
    }
    const fields = format.match(/%[a-zA-Z]/g) || [];
    const parts = String(this).trim().split(/[\s.,\-/]+/).filter(Boolean);
    let day, month, year;
    fields.forEach(function (field, i) {
      const part = parts[i];
      if (part === undefined) {
        return;
      }
      if (field === "%d") {
        day = part;
      } else if (field === "%m") {
        month = part - 1;
      } else if (field === "%b" || field === "%B") {
        month = monthOf(part);
      } else if (field === "%Y") {
        year = part;
      } else if (field === "%y") {
        year = parseInt(part, 10) >= 69 ? "19" + part : "20" + part;
      }
    });
    return new Date(Date.UTC(year, month, day));
  };
})();
