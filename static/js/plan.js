// The plan, enhanced: times in the visitor's own zone on request (remembered; the venue's zone
// stays the default, since automatic conversion misleads travellers), and on the workshop day the
// current and next slots highlighted with a link to jump to them. Without it the plan is complete.
(function () {
  "use strict";

  var section = document.querySelector(".plan-section");
  if (!section || !window.Intl) return;
  var eventZone = section.getAttribute("data-zone");
  var localZone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  var note = section.querySelector(".zone-name");
  var eventLabel = note ? note.textContent : eventZone;
  var switcher = section.querySelector(".zone-switch");
  var jump = section.querySelector(".jump-now");
  var KEY = "plan-times";

  function dateIn(zone, moment) {
    // en-CA writes dates as YYYY-MM-DD, the form of the tables' data-date.
    return new Intl.DateTimeFormat("en-CA", { timeZone: zone, year: "numeric", month: "2-digit", day: "2-digit" })
      .format(moment);
  }

  function clock(zone, moment) {
    var parts = {};
    new Intl.DateTimeFormat("en-US", { timeZone: zone, hour: "numeric", minute: "2-digit", hour12: true })
      .formatToParts(moment).forEach(function (part) { parts[part.type] = part.value; });
    return parts.hour + ":" + parts.minute + (parts.dayPeriod || "").toLowerCase();
  }

  function weekday(zone, moment) {
    return new Intl.DateTimeFormat("en-US", { timeZone: zone, weekday: "short" }).format(moment);
  }

  function showTimes(choice) {
    var zone = choice === "local" ? localZone : eventZone;
    section.querySelectorAll("table.plan").forEach(function (table) {
      var day = table.getAttribute("data-date");
      table.querySelectorAll("time[datetime]").forEach(function (time) {
        var moment = new Date(time.getAttribute("datetime"));
        var text = clock(zone, moment);
        // A talk that falls on another day in the visitor's zone says which.
        if (dateIn(zone, moment) !== day) text += " " + weekday(zone, moment);
        time.textContent = text;
      });
    });
    if (note) note.textContent = choice === "local" ? "in your time zone (" + localZone + ")" : eventLabel;
    switcher.querySelectorAll("button").forEach(function (button) {
      button.setAttribute("aria-pressed", String(button.getAttribute("data-zone-choice") === choice));
    });
  }

  function remember(choice) {
    try {
      if (choice === "local") localStorage.setItem(KEY, "local"); else localStorage.removeItem(KEY);
    } catch (error) { /* storage disabled: the choice lasts for this page only */ }
  }

  function remembered() {
    try { return localStorage.getItem(KEY) === "local" ? "local" : "event"; } catch (error) { return "event"; }
  }

  function sameClock(a, b) {
    var probe = new Date(section.querySelector("time[datetime]").getAttribute("datetime"));
    return clock(a, probe) === clock(b, probe) && dateIn(a, probe) === dateIn(b, probe);
  }

  if (switcher && section.querySelector("time[datetime]") && !sameClock(localZone, eventZone)) {
    switcher.querySelector('[data-zone-choice="local"]').textContent = "Your time (" + localZone + ")";
    switcher.hidden = false;
    switcher.addEventListener("click", function (event) {
      var choice = event.target.getAttribute("data-zone-choice");
      if (!choice) return;
      remember(choice);
      showTimes(choice);
    });
    if (remembered() === "local") showTimes("local");
  }

  // The archive of a past event says nothing of "now": the day it shows is over.
  if (section.getAttribute("data-now-next") === "off") return;

  // Now and next: only on a day of the plan, counted in the venue's zone.
  function markNow() {
    var now = new Date();
    var today = dateIn(eventZone, now);
    var rows = [];
    section.querySelectorAll('table.plan[data-date="' + today + '"] .plan-row[data-start]').forEach(function (row) {
      row.classList.remove("is-now", "is-next");
      row.removeAttribute("aria-current");
      rows.push({ row: row, start: new Date(row.getAttribute("data-start")), end: new Date(row.getAttribute("data-end")) });
    });
    var current = rows.filter(function (slot) { return slot.start <= now && now < slot.end; });
    var upcoming = rows.filter(function (slot) { return slot.start > now; });
    var nextStart = Math.min.apply(null, upcoming.map(function (slot) { return slot.start.getTime(); }));
    var next = upcoming.filter(function (slot) { return slot.start.getTime() === nextStart; });
    current.forEach(function (slot) {
      slot.row.classList.add("is-now");
      slot.row.setAttribute("aria-current", "time");
    });
    next.forEach(function (slot) { slot.row.classList.add("is-next"); });
    // Jump to the most precise current slot (a talk inside its session), else to what comes next.
    var target = current.length ? current[current.length - 1] : next[0];
    if (jump) {
      jump.hidden = !target;
      if (target) {
        jump.textContent = current.length ? "Jump to now" : "Jump to what is next";
        jump.setAttribute("href", "#" + target.row.id);
      }
    }
  }

  markNow();
  setInterval(markNow, 30000);
  document.addEventListener("visibilitychange", function () { if (!document.hidden) markNow(); });
})();
