// EventHub door scanner: what the device keeps of its event, in IndexedDB, one database per
// event ("eventhub-door-<slug>"), so that a closed tab or a restarted phone loses nothing.
//   meta    "list": the door list's event, gates, zones, categories, key, cursor, clock
//   badges  by bucket (the first two characters of a hash): [[hash, registration id, name,
//           category id, state], ...]; a badge is a keyed hash of its QR text, never the code
//   people  by bucket (registration id % PEOPLE_BUCKETS): {registration id: {h: [its
//           hashes], m: [its movements today: [scan id, zone key, "in" | "out", at (ms),
//           gate, day], ...]}}
//   local   {id: "local:<nonce>", r, z, d, at, g, day}: the movements of this device's own
//           offline decisions, until the server has recorded them; index "rid"
//   queue   {seq, nonce, code, gate, offline_result, synced_at, offset_ms, device}: scans
//           decided offline, sent in `seq` order
// Buckets, not a record per badge: IndexedDB spends its time per record, and 50,000 badges
// in some 4,000 records are stored ten times faster; a lookup reads one bucket (a dozen
// badges). A downloaded list is applied in one transaction, once the whole answer is
// parsed: an interrupted download or a closed tab leaves the list as it was.
(function (root) {
  "use strict";

  if (!root.indexedDB) return;
  const DB_VERSION = 1;
  const LOCAL = "local:";
  const HASH_BUCKET_CHARS = 2;
  const PEOPLE_BUCKETS = 1024;

  function promised(request) {
    return new Promise((resolve, reject) => {
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
  }

  function finished(transaction) {
    return new Promise((resolve, reject) => {
      transaction.oncomplete = () => resolve();
      transaction.onerror = () => reject(transaction.error);
      transaction.onabort = () => reject(transaction.error || new Error("transaction aborted"));
    });
  }

  function upgrade(db) {
    db.createObjectStore("meta");
    db.createObjectStore("badges");
    db.createObjectStore("people");
    db.createObjectStore("local", { keyPath: "id" }).createIndex("rid", "r");
    db.createObjectStore("queue", { keyPath: "seq", autoIncrement: true });
  }

  function databaseName(slug) {
    return "eventhub-door-" + slug;
  }

  function open(slug) {
    return new Promise((resolve, reject) => {
      const request = indexedDB.open(databaseName(slug), DB_VERSION);
      request.onupgradeneeded = () => upgrade(request.result);
      request.onsuccess = () => {
        const db = request.result;
        db.onversionchange = () => db.close(); // a newer page upgrades it
        resolve(new DoorStore(db));
      };
      request.onerror = () => reject(request.error);
      request.onblocked = () => reject(new Error("door list database blocked"));
    });
  }

  function hashBucket(hash) {
    return hash.slice(0, HASH_BUCKET_CHARS);
  }

  function peopleBucket(registrationId) {
    return registrationId % PEOPLE_BUCKETS;
  }

  // [scan id, zone key, direction, at, gate, day] of a list's entry row
  // [scan id, registration id, zone key, direction, scanned at, gate].
  function move(row, day) {
    return [row[0], row[2], row[3], Date.parse(row[4]), row[5], day];
  }

  function movementObject(move, registrationId) {
    return { id: move[0], r: registrationId, z: move[1], d: move[2], at: move[3], g: move[4], day: move[5] };
  }

  function upsertMove(person, newMove) {
    const at = person.m.findIndex((old) => old[0] === newMove[0]);
    if (at >= 0) person.m[at] = newMove;
    else person.m.push(newMove);
  }

  function groupBy(rows, keyOf) {
    const groups = new Map();
    for (const row of rows) {
      const key = keyOf(row);
      const group = groups.get(key);
      if (group) group.push(row);
      else groups.set(key, [row]);
    }
    return groups;
  }

  function listMeta(body, receivedAt, count) {
    return {
      event: body.event,
      key: body.key,
      gates: body.gates,
      zones: body.zones,
      categories: body.categories,
      cursor: body.cursor,
      serverTime: body.server_time,
      receivedAt: receivedAt,
      count: count,
    };
  }

  // A full list: every bucket written anew. The number of registrations.
  function writeFull(badges, people, body) {
    badges.clear();
    people.clear();
    for (const [bucket, rows] of groupBy(body.badges, (row) => hashBucket(row[0]))) badges.put(rows, bucket);
    const persons = new Map();
    const personOf = (registrationId) => {
      let person = persons.get(registrationId);
      if (!person) persons.set(registrationId, (person = { h: [], m: [] }));
      return person;
    };
    for (const row of body.badges) personOf(row[1]).h.push(row[0]);
    for (const row of body.entries) personOf(row[1]).m.push(move(row, body.event.day));
    const buckets = new Map();
    for (const [registrationId, person] of persons) {
      const key = peopleBucket(registrationId);
      if (!buckets.has(key)) buckets.set(key, {});
      buckets.get(key)[registrationId] = person;
    }
    for (const [key, bucket] of buckets) people.put(bucket, key);
    return [...persons.keys()].filter((registrationId) => persons.get(registrationId).h.length).length;
  }

  // A delta: for each registration in it, its old badge rows out and its new ones in; its
  // movements upserted by scan id. The number of registrations new to the list.
  async function mergeDelta(badges, people, body) {
    const rowsOf = groupBy(body.badges, (row) => row[1]);
    const entriesOf = groupBy(body.entries, (row) => row[1]);
    const peopleKeys = new Set([...rowsOf.keys(), ...entriesOf.keys()].map(peopleBucket));
    const peopleBuckets = new Map();
    await Promise.all(
      [...peopleKeys].map((key) =>
        promised(people.get(key)).then((bucket) => peopleBuckets.set(key, bucket || {}))
      )
    );
    const personOf = (registrationId) => {
      const bucket = peopleBuckets.get(peopleBucket(registrationId));
      return bucket[registrationId] || (bucket[registrationId] = { h: [], m: [] });
    };
    let added = 0;
    const badgeKeys = new Set();
    for (const [registrationId, rows] of rowsOf) {
      const person = personOf(registrationId);
      if (!person.h.length) added += 1;
      for (const hash of person.h) badgeKeys.add(hashBucket(hash));
      for (const row of rows) badgeKeys.add(hashBucket(row[0]));
    }
    const badgeBuckets = new Map();
    await Promise.all(
      [...badgeKeys].map((key) =>
        promised(badges.get(key)).then((bucket) => badgeBuckets.set(key, bucket || []))
      )
    );
    for (const [registrationId, rows] of rowsOf) {
      const person = personOf(registrationId);
      for (const key of new Set(person.h.map(hashBucket))) {
        badgeBuckets.set(key, badgeBuckets.get(key).filter((row) => row[1] !== registrationId));
      }
      for (const row of rows) badgeBuckets.get(hashBucket(row[0])).push(row);
      person.h = rows.map((row) => row[0]);
    }
    for (const row of body.entries) upsertMove(personOf(row[1]), move(row, body.event.day));
    for (const [key, bucket] of badgeBuckets) badges.put(bucket, key);
    for (const [key, bucket] of peopleBuckets) people.put(bucket, key);
    return added;
  }

  class DoorStore {
    constructor(db) {
      this.db = db;
    }

    meta() {
      return promised(this.db.transaction("meta").objectStore("meta").get("list")).then(
        (meta) => meta || null
      );
    }

    // Apply a door list answer (full: replace; else merge into `previous`) in one
    // transaction. The new meta, once it has committed.
    async apply(body, receivedAt, previous) {
      const transaction = this.db.transaction(["meta", "badges", "people"], "readwrite");
      const done = finished(transaction);
      const badges = transaction.objectStore("badges");
      const people = transaction.objectStore("people");
      let count;
      try {
        if (body.full || !previous) count = writeFull(badges, people, body);
        else count = previous.count + (await mergeDelta(badges, people, body));
        transaction.objectStore("meta").put(listMeta(body, receivedAt, count), "list");
      } catch (error) {
        done.catch(() => {});
        try {
          transaction.abort();
        } catch (alreadyOver) {
          // It ended by itself: nothing of it was kept either way.
        }
        throw error;
      }
      await done;
      return listMeta(body, receivedAt, count);
    }

    // Forget the list (a signed-out device). The queue of unsent scans stays, with the
    // movements of this device's own decisions.
    async drop() {
      const transaction = this.db.transaction(["meta", "badges", "people"], "readwrite");
      const done = finished(transaction);
      transaction.objectStore("meta").delete("list");
      transaction.objectStore("badges").clear();
      transaction.objectStore("people").clear();
      await done;
    }

    // The badge with this hash ({h, r, n, c, s} or null) and every movement of its
    // registration today, the server's and this device's.
    async lookUp(hash) {
      const transaction = this.db.transaction(["badges", "people", "local"]);
      const bucket = (await promised(transaction.objectStore("badges").get(hashBucket(hash)))) || [];
      const row = bucket.find((candidate) => candidate[0] === hash);
      if (!row) return { badge: null, movements: [] };
      const registrationId = row[1];
      const [persons, own] = await Promise.all([
        promised(transaction.objectStore("people").get(peopleBucket(registrationId))),
        promised(transaction.objectStore("local").index("rid").getAll(registrationId)),
      ]);
      const person = persons && persons[registrationId];
      const movements = person ? person.m.map((one) => movementObject(one, registrationId)) : [];
      return {
        badge: { h: row[0], r: registrationId, n: row[2], c: row[3], s: row[4] },
        movements: movements.concat(own),
      };
    }

    // A scan decided offline: queued, with the movement it made (if any), at once.
    async queueScan(item, movement) {
      const transaction = this.db.transaction(["queue", "local"], "readwrite");
      const done = finished(transaction);
      transaction.objectStore("queue").add(item);
      if (movement) transaction.objectStore("local").put(movement);
      await done;
    }

    // A movement the server recorded ({id: scan id, r, z, d, at, g, day}), into the list.
    async putMovement(movement) {
      const transaction = this.db.transaction("people", "readwrite");
      const done = finished(transaction);
      await this._upsertMovement(transaction.objectStore("people"), movement);
      await done;
    }

    async _upsertMovement(people, movement) {
      const key = peopleBucket(movement.r);
      const bucket = (await promised(people.get(key))) || {};
      const person = bucket[movement.r] || (bucket[movement.r] = { h: [], m: [] });
      upsertMove(person, [movement.id, movement.z, movement.d, movement.at, movement.g, movement.day]);
      people.put(bucket, key);
    }

    localMovement(nonce) {
      return promised(this.db.transaction("local").objectStore("local").get(LOCAL + nonce));
    }

    // The oldest queued scan, or null.
    firstQueued() {
      const request = this.db.transaction("queue").objectStore("queue").openCursor();
      return promised(request).then((cursor) => (cursor ? cursor.value : null));
    }

    queueSize() {
      return promised(this.db.transaction("queue").objectStore("queue").count());
    }

    // A queued scan the server has answered for good: out of the queue; its local movement
    // replaced by the server's (`movement`, or none).
    async settle(item, movement) {
      const transaction = this.db.transaction(["queue", "local", "people"], "readwrite");
      const done = finished(transaction);
      transaction.objectStore("queue").delete(item.seq);
      transaction.objectStore("local").delete(LOCAL + item.nonce);
      if (movement) await this._upsertMovement(transaction.objectStore("people"), movement);
      await done;
    }
  }

  root.EventHubDoorStore = { open: open, databaseName: databaseName, LOCAL: LOCAL };
})(self);
