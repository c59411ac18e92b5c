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

  // "YYYY-MM-DD" of the instant `ms` (epoch milliseconds) in `timeZone`.
  function eventDay(ms, timeZone) {
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
    decide: decide,
    movementOf: movementOf,
  };
  root.EventHubDecide = api;
  if (typeof module !== "undefined" && module.exports) module.exports = api;
})(typeof self !== "undefined" ? self : this);
