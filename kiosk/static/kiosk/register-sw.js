// Registers the practice pages' service worker (/practice/sw.js, kiosk/offline.py),
// which keeps the practice pages for use without a connection. It starts
// after the page has loaded, so that keeping pages never slows the first one.
if ("serviceWorker" in navigator) {
  const register = () => {
    navigator.serviceWorker.register("/practice/sw.js", { scope: "/practice/" }).catch(() => {
      // Private windows and some old browsers refuse: the pages still work online.
    });
  };
  if (document.readyState === "complete") {
    register();
  } else {
    window.addEventListener("load", register, { once: true });
  }
}
