// EventHub door scanner: what the door says of a scanned code from the device's door list
// alone, when the server does not answer. The same rules as the server's
// (eventhub/checkin/scanning.py, _look_up_holder and _decide), on the list's data. Pure: no
// page, no storage (the browser tests check it in a page; Node can load it as well).
(function (root) {
  "use strict";

  // A badge's QR text once trimmed and uppercased: the format version and 32 base32 characters.
  const BADGE_TEXT = /^1[A-Z2-7]{32}$/;
  const VENUE = 0; // the zone key of a gate that leads into no zone
  const ENTRIES = ["admitted", "reentered"];

  function normalize(code) {
    return String(code).trim().toUpperCase();
  }

  function isBadgeText(normalized) {
    return BADGE_TEXT.test(normalized);
  }

  // The gate called `name`: one of the list's gates (case-insensitive) or, when the event
  // has none, any name, with no zone. null for a name the event does not have.
  function resolveGate(gates, name) {
    name = String(name).trim();
    if (!name) return null;
    if (!gates || !gates.length) return { name: name, zone_id: null, direction: "entry" };
    const wanted = name.toLowerCase();
    return gates.find((gate) => gate.name.toLowerCase() === wanted) || null;
  }

  function zoneKey(gate) {
    return gate.zone_id || VENUE;
  }

  const DAY_MS = 24 * 60 * 60 * 1000;

  // "YYYY-MM-DD" of the instant `ms` (epoch milliseconds) for `event`, the list's event.
  // The list says which instants make up its day, by the server's time zone rules: a
  // browser's own can differ (Chromium has had Casablanca an hour off the server's).
  // Before or after that day, whole days are counted from it.
  function eventDay(ms, event) {
    if (!event.day_starts_at || !event.day_ends_at) return dayIn(ms, event.timezone);
    const start = Date.parse(event.day_starts_at);
    const end = Date.parse(event.day_ends_at);
    if (ms >= start && ms < end) return event.day;
    const shift = ms >= end ? 1 + Math.floor((ms - end) / DAY_MS) : -Math.ceil((start - ms) / DAY_MS);
    return new Date(Date.parse(event.day + "T00:00:00Z") + shift * DAY_MS).toISOString().slice(0, 10);
  }

  // The instant `ms` moved so that its UTC fields read the event's wall clock, by the
  // offset the list's day began with (a switch of offset comes at night, when doors are shut).
  // null for a list kept from before the server sent its day's bounds.
  function wallClock(ms, event) {
    if (!event.day_starts_at) return null;
    return Date.parse(event.day + "T00:00:00Z") + (ms - Date.parse(event.day_starts_at));
  }

  // A list kept from before the server sent its day's bounds: the browser's time zone rules.
  function dayIn(ms, timeZone) {
    const parts = {};
    const format = new Intl.DateTimeFormat("en-US", {
      timeZone: timeZone,
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
    });
    for (const part of format.formatToParts(new Date(ms))) parts[part.type] = part.value;
    return parts.year + "-" + parts.month + "-" + parts.day;
  }

  // The door's answer. `input`:
  //   badge: {h, r, n, c, s} (hash, registration id, name, category id, state) or null;
  //   category: {days: [...], zones: [...]} of the badge's category ([]: no restriction);
  //   gate: {name, zone_id, direction}; day: "YYYY-MM-DD"; event: {first_day, last_day};
  //   movements: the registration's entries and exits, {d: "in"|"out", z, at, g, day, id}.
  // Returns {result, reason, firstEntry: {at, gate} | null}.
  function decide(input) {
    const badge = input.badge;
    const gate = input.gate;
    if (!badge) return verdict("unknown", "no_such_badge");
    const zone = zoneKey(gate);
    const movements = (input.movements || [])
      .filter((movement) => movement.day === input.day && movement.z === zone)
      .sort(byTime);
    const refusal = refusalOf(badge, input.category, gate, input.day, input.event);
    if (gate.direction === "exit") return verdict("exited", refusal.reason);
    if (refusal.result) return verdict(refusal.result, refusal.reason);
    const entries = movements.filter((movement) => movement.d === "in");
    if (!entries.length) return verdict("admitted", null);
    const last = movements[movements.length - 1];
    if (last.d === "out") return verdict("reentered", null);
    return verdict("already_inside", null, { at: entries[0].at, gate: entries[0].g });
  }

  function refusalOf(badge, category, gate, day, event) {
    if (badge.s === "reissued") return { result: "revoked", reason: "badge_reissued" };
    if (badge.s !== "confirmed") return { result: "revoked", reason: badge.s };
    const days = (category && category.days) || [];
    if (day < event.first_day || day > event.last_day || (days.length && !days.includes(day))) {
      return { result: "not_today", reason: null };
    }
    const zones = (category && category.zones) || [];
    if (gate.zone_id != null && zones.length && !zones.includes(gate.zone_id)) {
      return { result: "zone_not_allowed", reason: null };
    }
    return { result: "", reason: null };
  }

  function byTime(one, other) {
    if (one.at !== other.at) return one.at - other.at;
    return String(one.id).localeCompare(String(other.id));
  }

  function verdict(result, reason, firstEntry) {
    return { result: result, reason: reason || null, firstEntry: firstEntry || null };
  }

  // The movement a result makes, as the list records it: "in", "out" or null.
  function movementOf(result) {
    if (ENTRIES.includes(result)) return "in";
    if (result === "exited") return "out";
    return null;
  }

  const api = {
    normalize: normalize,
    isBadgeText: isBadgeText,
    resolveGate: resolveGate,
    zoneKey: zoneKey,
    eventDay: eventDay,
    wallClock: wallClock,
    decide: decide,
    movementOf: movementOf,
  };
  root.EventHubDecide = api;
  if (typeof module !== "undefined" && module.exports) module.exports = api;
})(typeof self !== "undefined" ? self : this);
