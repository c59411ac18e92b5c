// EventHub door scanner's service worker (served as /scanner-sw.js?v=<version>, scope
// /events/): the scanner page opens with no network once it has been opened on the device.
// - the scan page (a navigation to /events/<slug>/scan): the network first, the cached
//   copy when it does not answer within NAVIGATION_TIMEOUT_MS;
// - /static/*: the cache first, else the network (and the answer is cached);
// - everything else (the API above all): the network, never cached.
// The page puts its own address and its static files into the cache (its first load is
// not controlled yet). `v` changes whenever a static file does: the new worker replaces
// this one and drops the old cache.
"use strict";

const CACHE_PREFIX = "eventhub-scanner-";
const CACHE = CACHE_PREFIX + (new URL(self.location.href).searchParams.get("v") || "0");
const SCAN_PAGE = /^\/events\/[^/]+\/scan\/?$/;
const NAVIGATION_TIMEOUT_MS = 3000;

self.addEventListener("install", () => {
  self.skipWaiting();
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    (async () => {
      const names = await caches.keys();
      const old = names.filter((name) => name.startsWith(CACHE_PREFIX) && name !== CACHE);
      await Promise.all(old.map((name) => caches.delete(name)));
      await self.clients.claim();
    })()
  );
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.mode === "navigate" && SCAN_PAGE.test(url.pathname)) {
    event.respondWith(networkFirst(event, request));
  } else if (url.pathname.startsWith("/static/")) {
    event.respondWith(cacheFirst(request));
  }
});

function cachedPage(request) {
  return caches
    .open(CACHE)
    .then((cache) => cache.match(request.url, { ignoreSearch: true, ignoreVary: true }));
}

async function networkFirst(event, request) {
  const network = fetch(request).then(async (response) => {
    // A signed-out visitor is sent to the login page: that is not the scanner to keep.
    if (response.ok && !response.redirected && response.type === "basic") {
      const cache = await caches.open(CACHE);
      await cache.put(request.url, response.clone());
    }
    return response;
  });
  event.waitUntil(network.catch(() => null));
  let timer;
  const late = new Promise((resolve) => {
    timer = setTimeout(resolve, NAVIGATION_TIMEOUT_MS, null);
  });
  try {
    const first = await Promise.race([network, late]);
    if (first) return first;
  } catch (error) {
    const cached = await cachedPage(request);
    if (cached) return cached;
    throw error;
  } finally {
    clearTimeout(timer);
  }
  // No answer yet: the copy from the last visit, else keep waiting for the network.
  return (await cachedPage(request)) || network;
}

async function cacheFirst(request) {
  const cache = await caches.open(CACHE);
  const cached = await cache.match(request, { ignoreVary: true });
  if (cached) return cached;
  const response = await fetch(request);
  if (response.ok && response.type === "basic") await cache.put(request, response.clone());
  return response;
}
