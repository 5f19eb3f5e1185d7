// Show times in the reader's time zone. The server renders UTC: each
// <time datetime> gets its local date and time as a tooltip, and times written
// as dates (data-local) are rewritten in local time; data-local="time" keeps
// to the hour and minute (a live entry's edit time). Relative texts ("5 min
// ago") are left to live.js, which calls window.livenewsLocalise on the
// nodes it inserts (live blog entries, settled lists).
(function () {
  "use strict";
  if (!window.Intl || !Intl.DateTimeFormat) return;
  // (dateStyle/timeStyle cannot be combined with timeZoneName: a TypeError)
  var full = new Intl.DateTimeFormat(undefined, {
    year: "numeric", month: "short", day: "numeric",
    hour: "2-digit", minute: "2-digit", timeZoneName: "short"
  });
  var clock = new Intl.DateTimeFormat(undefined, { hour: "2-digit", minute: "2-digit" });
  var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  function localise(root) {
    root.querySelectorAll("time[datetime]").forEach(function (t) {
      var when = new Date(t.getAttribute("datetime"));
      if (isNaN(when)) return;
      var text = full.format(when);
      t.setAttribute("title", text);
      if (!t.hasAttribute("data-local") || zone === "UTC") return;
      t.textContent = t.getAttribute("data-local") === "time" ? clock.format(when) : text;
    });
  }
  window.livenewsLocalise = localise;
  localise(document);
})();
