// The practice machine: draws a scenario's screens and runs its rules, the
// same rules as kiosk/engine.py (tap, fill, the machine's distances to the
// goal, on the way, way on), so that guided mode can point at the next button
// and practice mode can tell a wrong tap. The server replays the recorded
// events itself; the counts shown here are only for the learner.
(() => {
  "use strict";
  const root = document.getElementById("kiosk");
  const data = document.getElementById("kiosk-scenario");
  if (!root || !data) return;
  const S = JSON.parse(data.textContent);
  const T = JSON.parse(document.getElementById("kiosk-strings").textContent);
  const STORE = "baeumteo.kiosk.attempts";
  const MUTE = "baeumteo.kiosk.mute";
  const KEEP = 200;
  const WARN_SECONDS = 10;
  const PALETTES = 3;
  const $ = (id) => document.getElementById(id);
  const screens = new Map(S.screens.map((screen) => [screen.id, screen]));
  const query = new URLSearchParams(location.search);
  const mode = ["guided", "practice", "real"].includes(query.get("mode")) ? query.get("mode") : "guided";
  let bf = query.get("bf") === "1";

  // --- The machine's rules (kiosk/engine.py) -------------------------------------
  const tracked = Object.keys(S.goal.state).sort();
  const has = Object.prototype.hasOwnProperty;
  const tap = (screen, state, element) =>
    [element.to ? screens.get(element.to) : screen, { ...state, ...element.set }];
  const goalReached = (screen, state) =>
    Boolean(screen.end) && tracked.every((k) => state[k] === S.goal.state[k]);
  // Placeholders side by side read as one phrase; nothing chosen yet reads "none yet" once.
  const fill = (text, state) =>
    text.replace(/\{[a-z_][a-z0-9_]*\}(?: \{[a-z_][a-z0-9_]*\})*/g, (run) =>
      run.match(/[a-z_][a-z0-9_]*/g).filter((name) => state[name]).map((name) => state[name]).join(" ") || T.unset);
  // A (screen, tracked values) pair is numbered, not spelt out (the big machines have
  // ~17,000 of them): the screen's index, then each tracked value's number (0: not
  // set) as digits of one integer. Only the values some element sets can occur.
  const screenIndex = new Map(S.screens.map((s, i) => [s.id, i]));
  const valueIds = tracked.map((k) => {
    const ids = new Map();
    for (const s of S.screens) {
      for (const e of s.elements || []) {
        if (e.set && has.call(e.set, k) && !ids.has(e.set[k])) ids.set(e.set[k], ids.size + 1);
      }
    }
    return ids;
  });
  const numbered = valueIds.reduce((n, ids) => n * (ids.size + 1), S.screens.length) <= Number.MAX_SAFE_INTEGER;
  // The number of the node reached by tapping `element` (none: waiting) without making the state.
  const nodeAfter = (screen, state, element) => {
    const set = element ? element.set || {} : {};
    if (!numbered) return node(screen, { ...state, ...set });
    let code = screenIndex.get(screen.id);
    for (let i = 0; i < tracked.length; i += 1) {
      const k = tracked[i];
      const value = has.call(set, k) ? set[k] : has.call(state, k) ? state[k] : undefined;
      code = code * (valueIds[i].size + 1) + (value === undefined ? 0 : valueIds[i].get(value) || 0);
    }
    return code;
  };
  const node = (screen, state) =>
    numbered ? nodeAfter(screen, state, null)
      : screen.id + "\u0000" + JSON.stringify(tracked.filter((k) => has.call(state, k)).map((k) => [k, state[k]]));
  const moves = (screen, state) => {
    if (screen.end) return [];
    const found = (screen.elements || []).map((e) => [e, ...tap(screen, state, e)]);
    if (screen.auto_to) found.push([null, screens.get(screen.auto_to), state]);
    return found;
  };
  // Timed for bench/kiosk_page.py ("kiosk-rules"): the big machines have ~17,000 states.
  performance.mark("kiosk-rules-start");
  const distance = (() => {
    // Breadth-first over the nodes (numbered 0, 1, … as found), then backwards from the goal.
    const index = new Map();
    const states = [];
    const callers = [];
    const reach = (key, screen, makeState) => {
      let i = index.get(key);
      if (i === undefined) {
        i = states.length;
        index.set(key, i);
        states.push([screen, makeState()]);
        callers.push([]);
      }
      return i;
    };
    const start = screens.get(S.start);
    reach(node(start, {}), start, () => ({}));
    for (let i = 0; i < states.length; i += 1) {
      const [screen, state] = states[i];
      if (screen.end) continue;
      for (const element of screen.elements || []) {
        const next = element.to ? screens.get(element.to) : screen;
        callers[reach(nodeAfter(next, state, element), next, () => tap(screen, state, element)[1])].push(i);
      }
      if (screen.auto_to) {
        const next = screens.get(screen.auto_to);
        callers[reach(nodeAfter(next, state, null), next, () => state)].push(i);
      }
    }
    const steps = new Int32Array(states.length).fill(-1);
    const back = [];
    states.forEach(([screen, state], i) => {
      if (goalReached(screen, state)) {
        steps[i] = 0;
        back.push(i);
      }
    });
    for (let j = 0; j < back.length; j += 1) {
      for (const here of callers[back[j]]) {
        if (steps[here] < 0) {
          steps[here] = steps[back[j]] + 1;
          back.push(here);
        }
      }
    }
    const found = new Map();
    for (const [key, i] of index) if (steps[i] >= 0) found.set(key, steps[i]);
    return found;
  })();
  performance.measure("kiosk-rules", "kiosk-rules-start");
  const onTheWay = (screen, state, nextScreen, nextState) => {
    const here = distance.get(node(screen, state));
    const there = distance.get(node(nextScreen, nextState));
    return here !== undefined && there !== undefined && there === here - 1;
  };
  const wayOn = (screen, state) => {
    const all = moves(screen, state);
    const ordered = [...all.filter((m) => m[0] === null), ...all.filter((m) => m[0] !== null)];
    return ordered.find((m) => onTheWay(screen, state, m[1], m[2])) || null;
  };

  // --- Real-life mode's variety: one seed per attempt --------------------------------
  const random = (seed) => () => {
    // mulberry32
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const hash = (text) => [...text].reduce((h, c) => Math.imul(h ^ c.charCodeAt(0), 16777619), 2166136261);
  const varied = (seed, key) => random((seed ^ hash(key)) >>> 0);
  const elementsShown = (screen) => {
    const elements = [...(screen.elements || [])];
    if (mode !== "real" || !screen.shuffle) return elements;
    const next = varied(attempt.seed, "order:" + screen.id);
    for (let i = elements.length - 1; i > 0; i -= 1) {
      const j = Math.floor(next() * (i + 1));
      [elements[i], elements[j]] = [elements[j], elements[i]];
    }
    return elements;
  };
  const labelOf = (screen, element) => {
    const all = [element.label, ...(element.variants || [])];
    if (mode !== "real") return element.label;
    return all[Math.floor(varied(attempt.seed, "label:" + screen.id + ":" + element.id)() * all.length)];
  };

  // --- Voice -------------------------------------------------------------------------
  const synth = window.speechSynthesis;
  const canSpeak = Boolean(synth) && typeof SpeechSynthesisUtterance === "function";
  // Storage may be refused (blocked cookies, a full disk): the machine still runs.
  const load = (key) => {
    try {
      return localStorage.getItem(key);
    } catch {
      return null;
    }
  };
  const keep = (key, value) => {
    try {
      localStorage.setItem(key, value);
      return true;
    } catch {
      // Nothing kept; the attempt still runs.
      return false;
    }
  };
  let muted = load(MUTE) === "1";
  let lastSaid = "";
  const say = (text, { again = false, queue = false } = {}) => {
    if (!text) return;
    if (!again && !queue) lastSaid = text;
    if (!canSpeak || muted) return;
    if (!queue) synth.cancel();
    const utterance = new SpeechSynthesisUtterance(text);
    utterance.lang = "ko-KR";
    utterance.rate = 0.9;
    const voice = synth.getVoices().find((v) => v.lang && v.lang.startsWith("ko"));
    if (voice) utterance.voice = voice;
    synth.speak(utterance);
  };

  // --- Attempts on the device -----------------------------------------------------------
  const stored = () => {
    try {
      const list = JSON.parse(load(STORE) || "[]");
      return Array.isArray(list) ? list : [];
    } catch {
      return [];
    }
  };
  // Room is made by forgetting the oldest attempts already in the practice record
  // ("yes"), then the oldest kept on this device only; never one still waiting to
  // be sent ("pending"), and never the one being saved.
  const forgettable = (list, record) => [
    ...list.filter((a) => a.synced === "yes" && a !== record),
    ...list.filter((a) => a.synced !== "yes" && a.synced !== "pending" && a !== record),
  ];
  const store = (record) => {
    const list = stored().filter((a) => a.id !== record.id);
    list.push(record);
    const extra = forgettable(list, record).slice(0, Math.max(0, list.length - KEEP));
    let kept = list.filter((a) => !extra.includes(a));
    // A full storage: forget more of the same, one at a time, until it fits.
    while (!keep(STORE, JSON.stringify(kept))) {
      const next = forgettable(kept, record)[0];
      if (!next) {
        // Even this attempt alone does not fit: say so on the page (data-storage),
        // and in words, once (a live region, so a screen reader hears it too).
        root.dataset.storage = "full";
        if ($("kiosk-storage").hidden) {
          $("kiosk-storage").textContent = T.storage_full;
          $("kiosk-storage").hidden = false;
        }
        return false;
      }
      kept = kept.filter((a) => a !== next);
    }
    delete root.dataset.storage;
    $("kiosk-storage").hidden = true;
    $("kiosk-storage").textContent = "";
    return true;
  };
  const uuid = () =>
    crypto.randomUUID
      ? crypto.randomUUID()
      : "10000000-1000-4000-8000-100000000000".replace(/[018]/g, (c) =>
          (c ^ (crypto.getRandomValues(new Uint8Array(1))[0] & (15 >> (c / 4)))).toString(16));
  const isoNow = () => {
    const now = new Date();
    const offset = -now.getTimezoneOffset();
    const pad = (n) => String(Math.floor(Math.abs(n))).padStart(2, "0");
    const local = new Date(now.getTime() + offset * 60000).toISOString().slice(0, 19);
    return `${local}${offset >= 0 ? "+" : "-"}${pad(offset / 60)}:${pad(offset % 60)}`;
  };

  // --- One attempt -------------------------------------------------------------------
  let attempt;
  let screen;
  let state;
  let startedMs;
  let finished;
  let autoTimer;
  let idleTimer;
  let warnTimer;
  let warnTick;
  let queueTimer;
  let cursor = -1;

  const record = (type, extra = {}) => {
    const last = attempt.events.length ? attempt.events[attempt.events.length - 1].t : 0;
    attempt.events.push({ type, t: Math.max(last, Date.now() - startedMs), screen: screen.id, ...extra });
    attempt.seconds = Math.round(attempt.events[attempt.events.length - 1].t / 1000);
    if (type === "hint") attempt.hints += 1;
    if (type === "timeout") attempt.timeouts += 1;
    store(attempt);
  };

  const begin = () => {
    clearTimers();
    attempt = {
      id: uuid(), scenario: S.slug, title: S.title, version: S.version, mode, barrier_free: bf,
      seed: crypto.getRandomValues(new Uint32Array(1))[0] >>> 1, started_at: isoNow(), events: [],
      finished: false, goal_reached: false, steps: 0, wrong_taps: 0, hints: 0, timeouts: 0,
      seconds: 0, synced: "pending",
    };
    startedMs = Date.now();
    finished = false;
    state = {};
    root.classList.remove(...[...root.classList].filter((c) => c.startsWith("kiosk-palette-")));
    if (mode === "real") {
      root.classList.add("kiosk-palette-" + (attempt.seed % PALETTES));
      startQueue();
    }
    $("kiosk-result").hidden = true;
    $("kiosk-machine").hidden = false;
    $("kiosk-controls").hidden = false;
    $("kiosk-hint").hidden = mode !== "practice";
    $("kiosk-keys").hidden = !bf;
    guide("");
    show(screens.get(S.start), false);
  };

  const clearTimers = () => {
    for (const timer of [autoTimer, idleTimer, warnTimer, queueTimer]) clearTimeout(timer);
    clearInterval(warnTick);
    $("kiosk-warning").hidden = true;
    $("kiosk-queue").hidden = true;
  };

  // --- Drawing a screen ---------------------------------------------------------------
  const el = (tag, className, text) => {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text) node.textContent = text;
    return node;
  };

  const show = (next, moveFocus = true) => {
    const focused = document.activeElement && document.activeElement.dataset.element;
    const same = screen === next;
    screen = next;
    clearTimeout(autoTimer);
    const box = $("kiosk-screen");
    box.replaceChildren();
    box.dataset.screen = screen.id;
    box.className = `kiosk-screen kiosk-layout-${screen.layout || "grid"}`;
    const title = el("h2", "kiosk-screen-title", screen.title);
    title.id = "kiosk-screen-title";
    title.tabIndex = -1;
    box.append(title);
    if (screen.text) box.append(el("p", "kiosk-screen-text", fill(screen.text, state)));
    if (screen.alert) {
      const alert = el("p", "kiosk-screen-alert", screen.alert);
      alert.setAttribute("role", "note");
      box.append(alert);
    }
    const guided = mode === "guided" && !finished ? wayOn(screen, state) : null;
    const area = el("div", "kiosk-elements");
    const groups = new Map();
    for (const element of elementsShown(screen)) {
      const button = el("button", `kiosk-el kiosk-el-${element.kind || "button"}`);
      button.type = "button";
      button.dataset.element = element.id;
      button.append(el("span", "kiosk-el-label", labelOf(screen, element)));
      if (element.detail) button.append(el("span", "kiosk-el-detail", element.detail));
      if (element.kind === "option") {
        const chosen = Object.keys(element.set || {}).length > 0 &&
          Object.entries(element.set).every(([k, v]) => state[k] === v);
        button.setAttribute("aria-pressed", String(chosen));
      }
      if (guided) {
        if (guided[0] === element) button.classList.add("kiosk-el-next");
        else {
          button.setAttribute("aria-disabled", "true");
          button.tabIndex = -1;
        }
      }
      button.addEventListener("click", () => press(element));
      if (element.group) {
        if (!groups.has(element.group)) {
          const group = el("div", "kiosk-group");
          group.setAttribute("role", "group");
          const legend = el("p", "kiosk-group-name", element.group);
          legend.id = `kiosk-group-${groups.size}`;
          group.setAttribute("aria-labelledby", legend.id);
          group.append(legend);
          groups.set(element.group, group);
          area.append(group);
        }
        groups.get(element.group).append(button);
      } else {
        area.append(button);
      }
    }
    box.append(area);
    cursor = -1;
    if (screen.end) {
      end(false);
      return;
    }
    if (screen.auto_to && (mode !== "guided" || (guided && guided[0] === null))) {
      autoTimer = setTimeout(() => {
        record("auto");
        show(screens.get(screen.auto_to));
      }, (screen.auto_seconds ?? 2) * 1000);
    }
    if (mode === "guided") {
      const words = !guided ? T.lost : guided[0] ? guided[0].hint || screen.say : T.wait;
      guide(words, true);
      say(bf ? `${screen.say} ${words}` : words);
    } else if (bf) {
      say(screen.say);
    }
    armIdle();
    if (!moveFocus) return;
    const again = same && focused && area.querySelector(`[data-element="${CSS.escape(focused)}"]`);
    reveal(area.querySelector(".kiosk-el-next") || again || title);
  };

  // Focus the machine's button or title and scroll so that as much as fits is
  // in sight above it: the goal, else the guidance, else the machine.
  const reveal = (target) => {
    target.focus({ preventScroll: true });
    const guideShown = $("kiosk-guide-text").textContent !== "";
    // The guidance is beside the machine on a phone on its side: keep it in sight too.
    const bottom = () => Math.max(
      target.getBoundingClientRect().bottom,
      guideShown ? $("kiosk-guide").getBoundingClientRect().bottom : -Infinity,
    );
    const anchors = [root.querySelector(".kiosk-goal"), guideShown ? $("kiosk-guide") : null, $("kiosk-machine")];
    for (const anchor of anchors.filter(Boolean)) {
      const top = anchor.getBoundingClientRect().top;
      if (bottom() - top <= window.innerHeight) {
        if (top < 0 || bottom() > window.innerHeight) window.scrollBy(0, top);
        return;
      }
    }
    target.scrollIntoView({ block: "nearest" });
  };

  const guide = (text, withVoice = false) => {
    // The live region stays in the page (a region shown with its text is often not read).
    $("kiosk-guide").classList.toggle("kiosk-guide-empty", !text);
    $("kiosk-guide-text").textContent = text;
    $("kiosk-say-again").hidden = !(withVoice && canSpeak);
  };

  // --- Taps -----------------------------------------------------------------------------
  const press = (element) => {
    if (finished) return;
    const way = wayOn(screen, state);
    if (mode === "guided" && (!way || way[0] !== element)) return;
    const [nextScreen, nextState] = tap(screen, state, element);
    const wrong = !element.free && !onTheWay(screen, state, nextScreen, nextState);
    attempt.steps += 1;
    if (wrong) attempt.wrong_taps += 1;
    record("tap", { element: element.id });
    if (mode === "practice") guide(wrong ? element.help || T.wrong : "");
    else if (mode === "real") guide("");
    state = nextState;
    show(nextScreen);
  };

  const hint = () => {
    if (finished || mode !== "practice") return;
    record("hint");
    const way = wayOn(screen, state);
    const words = !way ? T.lost : way[0] ? way[0].hint || screen.say : T.wait;
    guide(words, true);
    say(words);
    const next = way && way[0] && $("kiosk-screen").querySelector(`[data-element="${CSS.escape(way[0].id)}"]`);
    if (next) next.classList.add("kiosk-el-next");
  };

  // --- Real-life mode: time-out and the queue behind you ----------------------------------
  const armIdle = () => {
    clearTimeout(idleTimer);
    clearTimeout(warnTimer);
    clearInterval(warnTick);
    $("kiosk-warning").hidden = true;
    const fresh = screen.id === S.start && Object.keys(state).length === 0;
    if (mode !== "real" || finished || fresh) return;
    const idle = (S.idle_seconds || 60) * 1000;
    warnTimer = setTimeout(() => {
      let left = WARN_SECONDS;
      const warning = $("kiosk-warning");
      const update = () => {
        warning.textContent = T.warn.replace("%(seconds)s", String(left));
      };
      update();
      warning.hidden = false;
      warnTick = setInterval(() => {
        left = Math.max(0, left - 1);
        update();
      }, 1000);
    }, Math.max(0, idle - WARN_SECONDS * 1000));
    idleTimer = setTimeout(timeout, idle);
  };

  const timeout = () => {
    record("timeout");
    state = {};
    clearInterval(warnTick);
    show(screens.get(S.start));
    guide(T.timeout);
  };

  const startQueue = () => {
    let people = 0;
    const grow = () => {
      people = Math.min(people + 1, 6);
      const queue = $("kiosk-queue");
      queue.textContent = T.queue.replace("%(people)s", String(people));
      queue.hidden = false;
      queueTimer = setTimeout(grow, 25000);
    };
    queueTimer = setTimeout(grow, 8000);
  };

  // --- The end ----------------------------------------------------------------------------
  const end = (quit) => {
    finished = true;
    clearTimers();
    if (quit) {
      record("quit");
    } else {
      attempt.finished = true;
      attempt.goal_reached = goalReached(screen, state);
      store(attempt);
    }
    guide("");
    $("kiosk-controls").hidden = true;
    $("kiosk-hint").hidden = true;
    $("kiosk-keys").hidden = true;
    if (quit) $("kiosk-machine").hidden = true;
    const reached = attempt.goal_reached;
    $("kiosk-result-title").textContent = quit ? T.stopped : reached ? T.reached : T.missed;
    $("kiosk-steps").textContent = String(attempt.steps);
    $("kiosk-wrong").textContent = String(attempt.wrong_taps);
    $("kiosk-hints").textContent = String(attempt.hints);
    $("kiosk-time").textContent = T.time
      .replace("%(minutes)s", String(Math.floor(attempt.seconds / 60)))
      .replace("%(seconds)s", String(attempt.seconds % 60));
    const clean = attempt.wrong_taps === 0 && attempt.hints === 0 && attempt.timeouts === 0;
    $("kiosk-next").textContent = !reached ? T.next_missed
      : mode === "guided" ? T.next_guided
      : mode === "real" ? T.next_real
      : clean ? T.next_practice : T.next_again;
    nextStep(reached, clean);
    $("kiosk-sync").textContent = "";
    $("kiosk-result").hidden = false;
    // The whole card in sight: the figures and the next step, not only its title.
    $("kiosk-result-title").focus({ preventScroll: true });
    $("kiosk-result").scrollIntoView({ block: "start" });
    say($("kiosk-result-title").textContent);
    sync(attempt);
  };

  // The result's first button is the step the words above it recommend:
  // another mode, or another machine once real-life mode is done.
  const nextStep = (reached, clean) => {
    const link = $("kiosk-next-step");
    const next = !reached ? (mode === "guided" ? null : "guided")
      : mode === "guided" ? "practice"
      : mode === "practice" && clean ? "real" : null;
    const url = new URL(location.href);
    if (next) url.searchParams.set("mode", next);
    link.href = next ? url.pathname + url.search : root.dataset.listUrl;
    link.textContent = next ? T[next] : T.all;
    link.hidden = !next && !(reached && mode === "real");
    $("kiosk-again").classList.toggle("button-secondary", !link.hidden);
  };

  // --- Sending attempts to the practice record -----------------------------------------------
  const csrf = () => {
    const cookie = document.cookie.split("; ").find((c) => c.startsWith("csrftoken="));
    return cookie ? decodeURIComponent(cookie.slice(10)) : root.dataset.csrf || "";
  };
  const syncWords = { yes: T.sync_yes, device: T.sync_device, pending: T.sync_pending, refused: T.sync_refused };
  const sync = async (one) => {
    const url = root.dataset.syncUrl;
    if (!url || one.synced !== "pending" || !one.events.length) return;
    let synced = "pending";
    try {
      const response = await fetch(url, {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRFToken": csrf() },
        body: JSON.stringify({
          id: one.id, scenario: one.scenario, version: one.version, mode: one.mode,
          barrier_free: one.barrier_free, seed: one.seed, started_at: one.started_at, events: one.events,
        }),
      });
      if (response.ok) synced = "yes";
      // Only the server's "no learner here" keeps it on the device for good; another
      // 403 (a stale CSRF token) is tried again.
      else if (response.status === 403) synced = (await response.json().catch(() => ({}))).anonymous ? "device" : "pending";
      else if (response.status === 400) synced = "refused";
    } catch {
      // Offline: tried again on the next visit or when the signal is back.
    }
    one.synced = synced;
    store(one);
    if (attempt && one.id === attempt.id) $("kiosk-sync").textContent = syncWords[synced];
  };
  // Another tab may still be playing an unfinished attempt: leave it a while.
  const settled = (a) => {
    const last = a.events[a.events.length - 1];
    if (!last) return false;
    if (a.finished || last.type === "quit") return true;
    return Date.now() - (Date.parse(a.started_at) + last.t) > 10 * 60 * 1000;
  };
  const retry = () => {
    for (const one of stored()) {
      if (one.synced === "pending" && (!attempt || one.id !== attempt.id || finished) && settled(one)) {
        sync(one);
      }
    }
  };

  // --- Barrier-free: keypad navigation -------------------------------------------------------
  const buttons = () => [...$("kiosk-screen").querySelectorAll(".kiosk-el")];
  const moveCursor = (step, focus) => {
    const all = buttons();
    if (!all.length) return;
    const current = all.indexOf(document.activeElement);
    const from = current >= 0 ? current : cursor >= 0 ? cursor : step > 0 ? -1 : 0;
    cursor = (from + step + all.length) % all.length;
    all.forEach((b, i) => b.classList.toggle("kiosk-cursor", i === cursor));
    if (focus) all[cursor].focus();
    else say(all[cursor].textContent, { queue: true });
  };
  const keypad = (move) => {
    if (move === 0) {
      const chosen = buttons()[cursor];
      if (chosen) chosen.click();
    } else {
      moveCursor(move, false);
    }
  };
  const applyBf = () => {
    root.classList.toggle("kiosk-bf", bf);
    $("kiosk-bf").setAttribute("aria-pressed", String(bf));
    $("kiosk-keys").hidden = !bf || finished;
    if (bf && attempt) attempt.barrier_free = true;
    const url = new URL(location.href);
    if (bf) url.searchParams.set("bf", "1");
    else url.searchParams.delete("bf");
    history.replaceState(null, "", url);
    $("kiosk-again").href = url.pathname + url.search;
  };

  // --- Wiring ------------------------------------------------------------------------------
  $("kiosk-mode").textContent = `(${T[mode]})`;
  root.classList.add(`kiosk-mode-${mode}`);
  $("kiosk-hint").hidden = mode !== "practice";
  $("kiosk-hint").addEventListener("click", hint);
  $("kiosk-restart").addEventListener("click", () => {
    if (!finished && attempt.events.length) {
      record("quit");
      sync(attempt);
    }
    begin();
    $("kiosk-screen-title").focus();
  });
  $("kiosk-quit").addEventListener("click", () => end(true));
  $("kiosk-again").addEventListener("click", (event) => {
    event.preventDefault();
    begin();
    $("kiosk-screen-title").focus();
  });
  $("kiosk-say-again").addEventListener("click", () => say(lastSaid, { again: true }));
  $("kiosk-mute").setAttribute("aria-pressed", String(muted));
  $("kiosk-mute").addEventListener("click", () => {
    muted = !muted;
    keep(MUTE, muted ? "1" : "0");
    $("kiosk-mute").setAttribute("aria-pressed", String(muted));
    if (muted && canSpeak) synth.cancel();
  });
  $("kiosk-bf").addEventListener("click", () => {
    bf = !bf;
    applyBf();
  });
  $("kiosk-keys").addEventListener("click", (event) => {
    const key = event.target.closest("[data-move]");
    if (key) keypad(Number(key.dataset.move));
  });
  $("kiosk-screen").addEventListener("keydown", (event) => {
    const step = { ArrowRight: 1, ArrowDown: 1, ArrowLeft: -1, ArrowUp: -1 }[event.key];
    if (!step || !event.target.classList.contains("kiosk-el")) return;
    event.preventDefault();
    moveCursor(step, true);
  });
  $("kiosk-screen").addEventListener("focusin", (event) => {
    if (bf && event.target.classList.contains("kiosk-el")) say(event.target.textContent, { queue: true });
  });
  window.addEventListener("online", retry);
  begin();
  applyBf();
  retry();
})();
