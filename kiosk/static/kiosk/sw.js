// The practice pages' service worker. kiosk/offline.py serves this file with
// KIOSK_OFFLINE in front of it: {version, scope, pages, anonymous_pages,
// statics, static_prefix}.
//
// Pages: network first, so a learner online always gets today's page; the
// kept copy when there is no connection (or it is too slow to answer). The
// play page reads its mode from the query string, so one copy serves all
// modes (matched with ignoreSearch). Static files: their URLs carry a hash of
// their content, so a kept copy is never stale: cache first. POSTs (attempts,
// progress) are never touched: kiosk.js keeps attempts in localStorage and
// sends them again when the connection is back. The pages in anonymous_pages
// (the progress page) are kept as a visitor without a linked learner sees
// them and never replaced by a learner's own copy: a shared tablet must not
// show one learner's record to the next person.
/* global KIOSK_OFFLINE */
"use strict";

const CACHE_PREFIX = "kiosk-";
const CACHE = CACHE_PREFIX + KIOSK_OFFLINE.version;
// On a very slow connection the kept page is shown after this long.
const PAGE_WAIT_MS = 6000;

self.addEventListener("install", (event) => {
  event.waitUntil((async () => {
    const cache = await caches.open(CACHE);
    await cache.addAll(KIOSK_OFFLINE.statics);
    await Promise.all(KIOSK_OFFLINE.pages.map((url) => keepPage(cache, url)));
    await self.skipWaiting();
  })());
});

const anonymous = (pathname) => KIOSK_OFFLINE.anonymous_pages.includes(pathname);
// The server marks a page with personal data no-store (a linked learner's progress): never kept.
const keepable = (response) =>
  response.ok && response.type === "basic" && !response.redirected &&
  !/no-store/i.test(response.headers.get("Cache-Control") || "");

async function keepPage(cache, url) {
  try {
    // Kept as a visitor without a linked learner sees them (shared tablets).
    const response = await fetch(url, { credentials: "omit" });
    if (keepable(response)) await cache.put(url, response);
  } catch {
    // The connection dropped while installing: the page is kept when next visited.
  }
}

self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    const names = await caches.keys();
    const old = names.filter((name) => name.startsWith(CACHE_PREFIX) && name !== CACHE);
    await Promise.all(old.map((name) => caches.delete(name)));
    await self.clients.claim();
  })());
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (url.pathname.startsWith(KIOSK_OFFLINE.static_prefix)) {
    event.respondWith(staticFile(request));
  } else if (request.mode === "navigate" && url.pathname.startsWith(KIOSK_OFFLINE.scope)) {
    event.respondWith(page(event, url));
  }
});

async function staticFile(request) {
  const cache = await caches.open(CACHE);
  const kept = await cache.match(request, { ignoreVary: true });
  if (kept) return kept;
  const response = await fetch(request);
  if (response.ok && response.type === "basic") await cache.put(request, response.clone());
  return response;
}

async function page(event, url) {
  const request = event.request;
  const cache = await caches.open(CACHE);
  const key = url.origin + url.pathname;
  const network = fetch(request).then(async (response) => {
    if (keepable(response) && !anonymous(url.pathname)) {
      await cache.put(key, response.clone());
    }
    return response;
  });
  // Keeps the fresh copy even when the kept one was shown.
  event.waitUntil(network.catch(() => undefined));
  try {
    return await Promise.race([network, wait(PAGE_WAIT_MS)]);
  } catch {
    // No connection or too slow: the kept copy if there is one.
  }
  const kept = await cache.match(key, { ignoreSearch: true, ignoreVary: true });
  return kept || network;
}

function wait(ms) {
  return new Promise((resolve, reject) => setTimeout(() => reject(new Error("slow")), ms));
}
