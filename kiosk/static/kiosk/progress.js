// The progress page for anonymous practice: the device's attempts (kept by the play
// page in localStorage) are counted by the server, which stores nothing, and shown.
(function () {
  "use strict";
  var STORE = "baeumteo.kiosk.attempts";

  function kept() {
    try {
      var list = JSON.parse(window.localStorage.getItem(STORE) || "[]");
      return Array.isArray(list) ? list : [];
    } catch (error) {
      return [];
    }
  }

  function show(root, html) {
    var target = document.getElementById("kiosk-device-summary");
    if (target) { target.innerHTML = html; }
  }

  function offline(root, count) {
    var note = document.createElement("p");
    note.textContent = (root.dataset.offline || "").replace("{count}", String(count));
    var target = document.getElementById("kiosk-device-summary");
    if (target) { target.replaceChildren(note); }
  }

  function load() {
    var root = document.getElementById("kiosk-device-progress");
    if (!root) { return; }
    // Attempts saved in a learner's record belong to that learner: on a shared
    // tablet the next person's device summary leaves them out.
    var attempts = kept().filter(function (a) { return a && a.synced !== "yes"; });
    fetch(root.dataset.url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": root.dataset.csrf || "" },
      body: JSON.stringify(attempts.slice(-300)),
    }).then(function (response) {
      if (!response.ok) { throw new Error(String(response.status)); }
      return response.text();
    }).then(function (html) {
      show(root, html);
    }).catch(function () {
      offline(root, attempts.length);
    });
  }

  document.addEventListener("DOMContentLoaded", load);
})();
