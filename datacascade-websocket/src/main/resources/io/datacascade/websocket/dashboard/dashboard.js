/*
 * DataCascade live dashboard: one WebSocket, one uPlot chart, a series picker and an alert list.
 *
 * Plain script, no build step. The page runs under a strict CSP (no inline code or style attributes,
 * no eval), and every user-supplied string (series names, alert labels, server messages) reaches the
 * DOM through textContent only.
 *
 * Data model: every subscribed series keeps its own sorted arrays {t, v}; v === null marks a gap the
 * server told us about. Each render aligns only the visible slice of every series into uPlot's
 * [xs, ys1, ys2, ...] layout: `undefined` where a series has no point at an x (the line continues
 * across it) and `null` across a gap (the line breaks there, spanGaps is false).
 */
(function () {
  'use strict';

  // ---- Tunables -----------------------------------------------------------------------------------

  const DEFAULT_WINDOW_MS = 300000;
  const DEFAULT_SERIES = 8;           // picked automatically until the user touches the picker
  const SERIES_CAP = 20000;           // points kept per series before older data is compacted
  const ALERT_CAP = 200;
  const MAX_POINTS_CAP = 1000;
  const HISTORY_POINTS_CAP = 10000;   // the server's limit for historyPoints
  const BACKOFF_MIN_MS = 500;
  const BACKOFF_MAX_MS = 10000;
  const STABLE_CONNECTION_MS = 10000; // a connection that lived this long resets the backoff
  const NOTICE_TTL_MS = 20000;
  const NOTICE_CAP = 4;
  const TOKEN_KEY = 'datacascade.token';
  const THEME_KEY = 'datacascade.theme';
  const CLOSE_POLICY = 1008;
  const CLOSE_TOO_SLOW = 4001;

  const PALETTE_LIGHT = ['#1f6fd1', '#d1452b', '#2e9443', '#c27c00', '#8a4fd1', '#0f8f9c', '#b8437d', '#6b7280', '#7a8f00', '#9c5b2e'];
  const PALETTE_DARK = ['#5fa2ff', '#ff7a5c', '#5fd17a', '#f5b642', '#b98bff', '#3fd0dc', '#ff7ab8', '#b3bcc9', '#c3d94a', '#e0996a'];

  // ---- Pure helpers (no DOM; also loadable by node for quick checks) --------------------------------

  /** First index i with arr[i] >= x in an ascending array. */
  function lowerBound(arr, x) {
    let lo = 0, hi = arr.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (arr[mid] < x) lo = mid + 1; else hi = mid;
    }
    return lo;
  }

  /** First index i with arr[i] > x in an ascending array. */
  function upperBound(arr, x) {
    let lo = 0, hi = arr.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (arr[mid] <= x) lo = mid + 1; else hi = mid;
    }
    return lo;
  }

  function emptyStore() {
    return { t: [], v: [] };
  }

  /**
   * Adds points to a store, keeping it sorted. Appending is the normal case; a point older than the
   * last one is inserted in place, or dropped when it is older than `cutoff` (it would be trimmed anyway).
   * A non-numeric value becomes null, i.e. a break in the line.
   */
  function insertPoints(store, ts, vs, cutoff) {
    if (!Array.isArray(ts) || !Array.isArray(vs)) return 0;
    const T = store.t, V = store.v;
    const n = Math.min(ts.length, vs.length);
    let added = 0;
    for (let i = 0; i < n; i++) {
      const t = ts[i];
      if (typeof t !== 'number' || !isFinite(t)) continue;
      const v = typeof vs[i] === 'number' && isFinite(vs[i]) ? vs[i] : null;
      const len = T.length;
      if (len === 0 || t >= T[len - 1]) {
        T.push(t);
        V.push(v);
      } else if (t < cutoff) {
        continue;
      } else {
        const at = upperBound(T, t);
        T.splice(at, 0, t);
        V.splice(at, 0, v);
      }
      added++;
    }
    return added;
  }

  /** Drops points older than cutoff. Small trims are batched: splicing the front copies the array. */
  function trimStore(store, cutoff) {
    const i = lowerBound(store.t, cutoff);
    if (i === 0 || (i < 256 && i < store.t.length / 8)) return 0;
    store.t.splice(0, i);
    store.v.splice(0, i);
    return i;
  }

  /**
   * Reduces t/v[lo, hi) to the min and max point of each bucketMs-wide time bucket, in time order.
   * Gap markers (null) are always kept. This is what a line chart can show anyway at one bucket per pixel.
   */
  function compactMinMax(t, v, lo, hi, bucketMs) {
    const ot = [], ov = [];
    let bucket = NaN, minI = -1, maxI = -1;
    const push = i => { ot.push(t[i]); ov.push(v[i]); };
    const flush = () => {
      if (minI < 0) return;
      if (minI === maxI) push(minI);
      else if (minI < maxI) { push(minI); push(maxI); } else { push(maxI); push(minI); }
      minI = maxI = -1;
    };
    for (let i = lo; i < hi; i++) {
      const val = v[i];
      if (val === null) { flush(); push(i); bucket = NaN; continue; }
      const b = Math.floor(t[i] / bucketMs);
      if (b !== bucket || minI < 0) { flush(); bucket = b; minI = maxI = i; continue; }
      if (val < v[minI]) minI = i;
      if (val > v[maxI]) maxI = i;
    }
    flush();
    return { t: ot, v: ov };
  }

  /** Keeps a store at or under cap points: compacts the older half first, then everything, coarser each time. */
  function enforceCap(store, cap, bucketMs) {
    if (store.t.length <= cap) return false;
    const half = store.t.length >> 1;
    const older = compactMinMax(store.t, store.v, 0, half, bucketMs);
    store.t = older.t.concat(store.t.slice(half));
    store.v = older.v.concat(store.v.slice(half));
    // Still too many: the recent half is denser than a pixel. Compact everything at pixel resolution,
    // then coarser until it fits.
    let b = bucketMs;
    for (let round = 0; store.t.length > cap && round < 40; round++, b *= 2) {
      const all = compactMinMax(store.t, store.v, 0, store.t.length, b);
      store.t = all.t;
      store.v = all.v;
    }
    if (store.t.length > cap) { // only possible with absurd numbers of gap markers
      store.t.splice(0, store.t.length - cap);
      store.v.splice(0, store.v.length - cap);
    }
    return true;
  }

  /** Merges two ascending arrays into one ascending array without duplicates. */
  function mergeUnique(a, b) {
    const out = [];
    let i = 0, j = 0, last = NaN;
    while (i < a.length || j < b.length) {
      const x = j >= b.length || (i < a.length && a[i] <= b[j]) ? a[i++] : b[j++];
      if (x !== last) { out.push(x); last = x; }
    }
    return out;
  }

  /** Union of several ascending arrays, merged pairwise (n log k rather than sorting everything). */
  function unionSorted(arrays) {
    if (arrays.length === 0) return [];
    let level = arrays;
    if (level.length === 1) return mergeUnique(level[0], []);
    while (level.length > 1) {
      const next = [];
      for (let i = 0; i < level.length; i += 2) {
        next.push(i + 1 < level.length ? mergeUnique(level[i], level[i + 1]) : level[i]);
      }
      level = next;
    }
    return level[0];
  }

  /**
   * Widens each gap marker (null) over the neighbouring x slots the series has no value for, so that
   * uPlot clips the line from the last point before the gap to the first point after it.
   */
  function spreadGaps(ys) {
    const n = ys.length;
    for (let j = 0; j < n; j++) {
      if (ys[j] !== null) continue;
      for (let k = j - 1; k >= 0 && ys[k] === undefined; k--) ys[k] = null;
      let k = j + 1;
      while (k < n && ys[k] === undefined) { ys[k] = null; k++; }
      j = k - 1;
    }
  }

  /** Builds uPlot data [xs, ys...] from per-series {t, v} slices with different timestamps. */
  function alignSeries(slices) {
    const xs = unionSorted(slices.map(s => s.t));
    const data = [xs];
    const n = xs.length;
    for (const s of slices) {
      // One pass with push: much faster in V8 than new Array(n).fill(), which goes to dictionary mode.
      const ys = [];
      const st = s.t, sv = s.v, m = st.length;
      let k = 0;
      for (let j = 0; j < n; j++) {
        if (k < m && st[k] === xs[j]) {
          let val = sv[k++];
          while (k < m && st[k] === xs[j]) { if (sv[k] === null) val = null; k++; } // a gap marker wins a tie
          ys.push(val);
        } else {
          ys.push(undefined);
        }
      }
      spreadGaps(ys);
      data.push(ys);
    }
    return data;
  }

  /**
   * The part of a store that is visible in [min, max], plus one point either side so lines run to the
   * plot edges. Dense slices are reduced to min/max per pixel before they reach uPlot.
   */
  function sliceForRange(store, min, max, maxPoints, bucketMs) {
    const lo = Math.max(0, lowerBound(store.t, min) - 1);
    const hi = Math.min(store.t.length, upperBound(store.t, max) + 1);
    if (hi - lo > maxPoints) return compactMinMax(store.t, store.v, lo, hi, bucketMs);
    return { t: store.t.slice(lo, hi), v: store.v.slice(lo, hi) };
  }

  /** Number of real points (gap markers excluded). */
  function countValues(store) {
    let n = 0;
    for (let i = 0; i < store.v.length; i++) if (store.v[i] !== null) n++;
    return n;
  }

  /**
   * Points per series per frame worth sending: about two (min and max) per pixel the chart scrolls
   * per frame, plus the newest point; the server's minimum is 3 (min, max and newest).
   */
  function computeMaxPoints(plotWidthPx, windowMs, frameRate) {
    const seconds = Math.max(1, windowMs / 1000);
    const rate = frameRate > 0 ? frameRate : 30;
    return Math.min(MAX_POINTS_CAP, Math.max(3, Math.ceil(2 * plotWidthPx / seconds / rate) + 1));
  }

  /** Exponential backoff with ±20% jitter so many pages do not reconnect in lockstep after a restart. */
  function backoffDelay(attempt, random) {
    const base = Math.min(BACKOFF_MAX_MS, BACKOFF_MIN_MS * Math.pow(2, attempt));
    return Math.round(Math.min(BACKOFF_MAX_MS, Math.max(BACKOFF_MIN_MS, base * (0.8 + 0.4 * random))));
  }

  /** Where to put the break for a server gap: inside the dropped span so it sits between real points. */
  function gapMarkerTime(from, to, fallback) {
    const f = typeof from === 'number' && isFinite(from);
    const g = typeof to === 'number' && isFinite(to);
    if (f && g) return Math.floor((from + to) / 2);
    if (f) return from;
    if (g) return to;
    return fallback;
  }

  function pad(n, width) {
    return String(n).padStart(width || 2, '0');
  }

  /** Local time "HH:MM:SS" (with ".mmm" if asked), prefixed by the date when it is not today. */
  function formatTime(ms, withMillis, nowMs) {
    if (typeof ms !== 'number' || !isFinite(ms)) return '—';
    const d = new Date(ms);
    const now = new Date(nowMs === undefined ? Date.now() : nowMs);
    let s = pad(d.getHours()) + ':' + pad(d.getMinutes()) + ':' + pad(d.getSeconds());
    if (withMillis) s += '.' + pad(d.getMilliseconds(), 3);
    if (d.toDateString() !== now.toDateString()) {
      s = d.getFullYear() + '-' + pad(d.getMonth() + 1) + '-' + pad(d.getDate()) + ' ' + s;
    }
    return s;
  }

  function formatValue(v) {
    if (typeof v !== 'number' || !isFinite(v)) return '—';
    const a = Math.abs(v);
    if (a !== 0 && (a >= 1e9 || a < 1e-4)) return v.toExponential(3);
    return String(parseFloat(v.toFixed(a >= 1000 ? 1 : 4)));
  }

  function formatDuration(ms) {
    if (ms >= 3600000 && ms % 3600000 === 0) return (ms / 3600000) + ' h';
    if (ms >= 60000) return Math.round(ms / 60000) + ' min';
    return Math.max(1, Math.round(ms / 1000)) + ' s';
  }

  /** Identity of one alert event, so replays after a reconnect do not show twice. */
  function alertKey(a) {
    return [a.rule, a.series, a.state, a.eventTime, JSON.stringify(a.labels || {})].join('\u0000');
  }

  /** Identity of one alert instance (rule + series + labels), to count what is firing now. */
  function alertInstanceKey(a) {
    return [a.rule, a.series, JSON.stringify(a.labels || {})].join('\u0000');
  }

  const pure = {
    lowerBound, upperBound, emptyStore, insertPoints, trimStore, compactMinMax, enforceCap, mergeUnique,
    unionSorted, spreadGaps, alignSeries, sliceForRange, countValues, computeMaxPoints, backoffDelay,
    gapMarkerTime, formatTime, formatValue, formatDuration, alertKey,
  };

  if (typeof document === 'undefined') { // loaded by node for a sanity run
    if (typeof module !== 'undefined') module.exports = pure;
    return;
  }

  // ---- Page state ---------------------------------------------------------------------------------

  const model = {
    state: 'connecting',
    windowMs: DEFAULT_WINDOW_MS,
    known: [],                 // series names from the latest status, in server order
    seriesTotal: 0,            // how many series the server has (it lists at most 1,000)
    subscribed: new Set(),     // what we want charted; survives reconnects
    autoSelect: true,          // keep topping up to DEFAULT_SERIES until the user picks
    stores: new Map(),         // name -> {t, v}
    hidden: new Set(),         // hidden via the legend; kept when the plot is rebuilt
    colors: new Map(),         // name -> palette slot, stable for the session
    alerts: [],                // newest first
    alertKeys: new Set(),
    instances: new Map(),      // alert instance -> latest state
    paused: false,
    zoomed: false,
    frozen: null,              // [min, max] while paused or zoomed
    frames: 0,
    gaps: 0,
    lastSeq: null,
    clockOffset: 0,            // serverTime - Date.now(), so "now" is the server's now
    historyLimit: Infinity,
    frameRate: 30,
    sentMaxPoints: 0,
    protocolWarned: false,
  };

  const el = {};
  let plot = null;
  let plotNames = [];          // series of the current plot, in its order (status order may change later)
  let markerColors = {};       // alert marker colours, read from CSS when the plot is built
  let plotStale = true;        // series set or theme changed: rebuild before the next draw
  let conn = null;             // {ws, openedAt, ready, authSent}
  let attempt = 0;
  let reconnectTimer = 0, countdownTimer = 0, reconnectAt = 0;
  let renderQueued = false, rafId = 0, fallbackTimer = 0, tickTimer = 0;
  let lastLegendUpdate = 0;
  const lastAttrs = {};

  // ---- Connection ---------------------------------------------------------------------------------

  function socketUrl() {
    const url = new URL('ws', location.href);
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    url.hash = '';
    return url.href;
  }

  function connect() {
    clearTimeout(reconnectTimer);
    clearInterval(countdownTimer);
    el.reconnect.hidden = true;
    if (conn && conn.ws.readyState <= 1) conn.ws.close(1000);
    if (model.state !== 'unauthorized') setState('connecting', '');
    let ws;
    try {
      ws = new WebSocket(socketUrl());
    } catch (e) {
      scheduleReconnect('Could not open a connection to the server.');
      return;
    }
    const c = { ws, openedAt: 0, ready: false, authSent: false };
    conn = c;
    ws.onopen = () => { if (conn === c) c.openedAt = Date.now(); };
    ws.onmessage = e => { if (conn === c) handleFrame(c, e.data); };
    ws.onclose = e => { if (conn === c) handleClose(c, e); };
    ws.onerror = () => { /* a close event always follows and carries the code */ };
  }

  function send(msg) {
    if (conn && conn.ws.readyState === 1) conn.ws.send(JSON.stringify(msg));
  }

  function handleClose(c, e) {
    conn = null;
    if (c.openedAt && Date.now() - c.openedAt >= STABLE_CONNECTION_MS) attempt = 0;
    if (model.state === 'closed') return;
    const why = e.reason ? ' (' + e.reason + ')' : '';
    if (e.code === CLOSE_POLICY) {
      // Policy closes: a bad token, no token in time, or a misbehaving client. Never retry quickly.
      if (c.authSent && !c.ready) {
        // The token we sent was refused: ask for another instead of retrying this one.
        forgetToken();
        showTokenForm('The server did not accept that token' + why + '.');
        setState('unauthorized', 'The access token was not accepted.');
        scheduleReconnect(null, BACKOFF_MAX_MS);
      } else if (model.state === 'unauthorized') {
        // Closed while waiting for the user to type a token: quietly get a fresh connection for it.
        scheduleReconnect(null, BACKOFF_MAX_MS);
      } else {
        scheduleReconnect('The server closed the connection' + why + '.', BACKOFF_MAX_MS);
      }
      return;
    }
    if (e.code === CLOSE_TOO_SLOW) {
      addNotice('The server disconnected this page because it could not keep up with the data. Reconnecting.', false);
    }
    // A refused upgrade (wrong origin, server down) reaches the page only as 1006 with no reason.
    const msg = c.openedAt
      ? 'The connection to the server was lost' + why + '.'
      : 'Could not connect to the server. It may be down, or it may not accept this page\'s address.';
    // While the token form is up, keep saying so rather than flashing "reconnecting".
    scheduleReconnect(model.state === 'unauthorized' ? null : msg, backoffDelay(attempt++, Math.random()));
  }

  /** Waits, then reconnects. message === null keeps the current state (used while waiting for a token). */
  function scheduleReconnect(message, delay) {
    clearTimeout(reconnectTimer);
    clearInterval(countdownTimer);
    const wait = delay === undefined ? backoffDelay(attempt++, Math.random()) : delay;
    reconnectAt = Date.now() + wait;
    reconnectTimer = setTimeout(connect, wait);
    if (message === null) return;
    el.reconnect.hidden = false;
    const tick = () => {
      const s = Math.max(1, Math.ceil((reconnectAt - Date.now()) / 1000));
      setState('reconnecting', message, 'Reconnecting in ' + s + ' s');
    };
    tick();
    countdownTimer = setInterval(tick, 1000);
  }

  function handleFrame(c, text) {
    let msg;
    try { msg = JSON.parse(text); } catch (e) { return; }
    if (!msg || typeof msg.type !== 'string') return;
    switch (msg.type) {
      case 'status': onStatus(c, msg); break;
      case 'history': onHistory(msg); break;
      case 'points': onPoints(msg); break;
      case 'alert': onAlert(msg); break;
      case 'gap': onGap(msg); break;
      case 'error': onError(msg); break;
      default: break; // newer servers may send more; ignoring keeps old pages working
    }
  }

  function onStatus(c, msg) {
    if (typeof msg.serverTime === 'number') model.clockOffset = msg.serverTime - Date.now();
    if (typeof msg.historyLimit === 'number' && msg.historyLimit > 0) model.historyLimit = msg.historyLimit;
    if (typeof msg.maxFrameRate === 'number' && msg.maxFrameRate > 0) model.frameRate = msg.maxFrameRate;
    if (msg.protocol !== undefined && msg.protocol !== 1 && !model.protocolWarned) {
      model.protocolWarned = true;
      addNotice('The server speaks protocol version ' + msg.protocol + '; this page was written for version 1.', true);
    }
    if (msg.auth === 'required') {
      const token = loadToken();
      if (token && !c.authSent) {
        c.authSent = true;
        send({ type: 'auth', token: token });
        setState('connecting', 'Checking the access token…');
      } else {
        if (c.authSent) forgetToken();
        showTokenForm(c.authSent ? 'The server did not accept that token.' : '');
        setState('unauthorized', 'Enter the access token to see data.');
      }
      return;
    }
    hideTokenForm();
    // The status lists at most the first 1,000 series by name; seriesTotal says how many exist.
    model.seriesTotal = typeof msg.seriesTotal === 'number' ? msg.seriesTotal : 0;
    updateKnownSeries(Array.isArray(msg.series) ? msg.series : []);
    if (!c.ready) {
      c.ready = true;
      setState('live', '');
      // After a reconnect, ask for the current window again so the chart has no hole.
      if (model.subscribed.size) subscribe(Array.from(model.subscribed));
    }
    autoSelectSeries();
  }

  function onHistory(msg) {
    const name = msg.series;
    if (!model.subscribed.has(name)) return; // unsubscribed while the reply was in flight
    const old = model.stores.get(name);
    const fresh = emptyStore();
    insertPoints(fresh, msg.t, msg.v, -Infinity);
    // History replaces what we had where it has data. Keep what we hold from before its first
    // point (a restarted server remembers less than this page), and live points newer than it
    // that raced ahead of it.
    if (old) {
      const first = fresh.t.length ? fresh.t[0] : (typeof msg.to === 'number' ? msg.to + 1 : Infinity);
      const before = lowerBound(old.t, first);
      if (before > 0) insertPoints(fresh, old.t.slice(0, before), old.v.slice(0, before), -Infinity);
      if (typeof msg.to === 'number') {
        const i = upperBound(old.t, msg.to);
        if (i < old.t.length) insertPoints(fresh, old.t.slice(i), old.v.slice(i), -Infinity);
      }
    }
    enforceCap(fresh, SERIES_CAP, bucketMs());
    model.stores.set(name, fresh);
    scheduleRender();
  }

  function onPoints(msg) {
    model.frames++;
    if (typeof msg.seq === 'number') model.lastSeq = msg.seq;
    const cutoff = trimCutoff();
    const data = Array.isArray(msg.data) ? msg.data : [];
    for (const d of data) {
      const store = d && model.subscribed.has(d.series) ? model.stores.get(d.series) : null;
      if (!store) continue;
      insertPoints(store, d.t, d.v, cutoff);
      enforceCap(store, SERIES_CAP, bucketMs()); // bounded memory even if rendering is throttled
    }
    scheduleRender();
  }

  function onGap(msg) {
    model.gaps++;
    const names = Array.isArray(msg.series) ? msg.series : [];
    const targets = names.indexOf('*') >= 0 ? Array.from(model.subscribed) : names;
    for (const name of targets) {
      const store = model.stores.get(name);
      if (!store) continue;
      const last = store.t.length ? store.t[store.t.length - 1] + 1 : serverNow();
      insertPoints(store, [gapMarkerTime(msg.from, msg.to, last)], [null], -Infinity);
    }
    const what = typeof msg.dropped === 'number' ? msg.dropped.toLocaleString() + ' points' : 'Some points';
    const span = typeof msg.from === 'number' && typeof msg.to === 'number'
      ? ' between ' + formatTime(msg.from, false) + ' and ' + formatTime(msg.to, false) : '';
    const who = targets.length ? ' of ' + targets.slice(0, 3).join(', ') + (targets.length > 3 ? ' and others' : '') : '';
    const reason = msg.reason ? ' (' + msg.reason + ')' : '';
    addNotice(what + who + span + ' did not reach this page' + reason + '. The line is broken there.', false);
    scheduleRender();
  }

  function onError(msg) {
    const code = typeof msg.code === 'string' ? msg.code : 'error';
    const text = typeof msg.message === 'string' && msg.message ? msg.message : 'no details';
    if (code === 'unauthorized') {
      forgetToken();
      showTokenForm('The server did not accept that token: ' + text);
      setState('unauthorized', 'The access token was not accepted.');
      return;
    }
    setState(model.state, 'Server says: ' + text + ' (' + code + ')');
    addNotice('The server reported a problem: ' + text + ' (' + code + ').', true);
  }

  // ---- Subscriptions ------------------------------------------------------------------------------

  function currentMaxPoints() {
    return computeMaxPoints(plotWidth(), model.windowMs, model.frameRate);
  }

  function subscribe(names) {
    if (!names.length || !conn || !conn.ready) return; // sent on (re)connect otherwise
    model.sentMaxPoints = currentMaxPoints();
    send({
      type: 'subscribe',
      series: names,
      history: Math.min(model.windowMs, model.historyLimit),
      maxPoints: model.sentMaxPoints,
      // History needs far more than one live frame: about min+max per pixel of the plot.
      historyPoints: Math.min(HISTORY_POINTS_CAP, Math.max(200, 2 * plotWidth())),
    });
  }

  function addSeries(name) {
    if (model.subscribed.has(name)) return;
    model.subscribed.add(name);
    model.stores.set(name, emptyStore());
    if (!model.colors.has(name)) model.colors.set(name, model.colors.size);
    plotStale = true;
  }

  function removeSeries(name) {
    if (!model.subscribed.delete(name)) return;
    model.stores.delete(name);
    if (conn && conn.ready) send({ type: 'unsubscribe', series: [name] });
    plotStale = true;
  }

  /** Default pick: the first DEFAULT_SERIES series, topped up as new series appear, until the user chooses. */
  function autoSelectSeries() {
    if (!model.autoSelect) return;
    const added = [];
    for (const name of model.known) {
      if (model.subscribed.size >= DEFAULT_SERIES) break;
      if (!model.subscribed.has(name)) { addSeries(name); added.push(name); }
    }
    subscribe(added);
    renderSeriesList();
    scheduleRender();
  }

  function updateKnownSeries(list) {
    model.known = list
      .map(s => (typeof s === 'string' ? s : s && typeof s.name === 'string' ? s.name : null))
      .filter(n => n !== null);
    renderSeriesList();
  }

  function onSeriesCheckbox(e) {
    const input = e.target;
    const name = input.dataset.series;
    if (name === undefined) return;
    model.autoSelect = false;
    if (input.checked) { addSeries(name); subscribe([name]); } else { removeSeries(name); }
    renderSeriesList();
    scheduleRender();
  }

  /** Picker = series the server knows plus any we still subscribe to, in server order. */
  function renderSeriesList() {
    const names = model.known.slice();
    for (const name of model.subscribed) if (names.indexOf(name) < 0) names.push(name);
    const filter = el.seriesFilter.value.trim().toLowerCase();
    // Rebuilding the list would drop keyboard focus; remember which checkbox had it.
    const focused = el.seriesList.contains(document.activeElement) ? document.activeElement.dataset.series : null;
    const dark = effectiveTheme() === 'dark';
    const frag = document.createDocumentFragment();
    for (const name of names) {
      if (filter && name.toLowerCase().indexOf(filter) < 0) continue;
      const li = document.createElement('li');
      const label = document.createElement('label');
      const box = document.createElement('input');
      box.type = 'checkbox';
      box.dataset.series = name;
      box.checked = model.subscribed.has(name);
      const swatch = document.createElement('span');
      swatch.className = 'swatch';
      if (box.checked) swatch.style.background = seriesColor(name, dark);
      const text = document.createElement('span');
      text.textContent = name;
      if (model.known.indexOf(name) < 0) {
        text.className = 'series-gone';
        text.title = 'The server no longer lists this series';
      }
      label.append(box, swatch, text);
      li.appendChild(label);
      frag.appendChild(li);
    }
    el.seriesList.replaceChildren(frag);
    if (focused != null) {
      for (const box of el.seriesList.querySelectorAll('input')) if (box.dataset.series === focused) box.focus();
    }
    el.seriesEmpty.hidden = names.length > 0;
    const total = Math.max(names.length, model.seriesTotal || 0);
    el.seriesCount.textContent = names.length ? model.subscribed.size + ' of ' + total + ' shown'
      + (total > names.length ? ' (the server lists the first ' + names.length + ' by name)' : '') : '';
  }

  // ---- Alerts -------------------------------------------------------------------------------------

  function onAlert(msg) {
    if (typeof msg.rule !== 'string' && typeof msg.series !== 'string') return;
    const key = alertKey(msg);
    if (model.alertKeys.has(key)) return; // replayed after a reconnect: already shown
    const alert = Object.assign({}, msg);
    if (typeof alert.eventTime !== 'number') alert.eventTime = serverNow();
    // Newest first by event time; replays may arrive in any order.
    let at = 0;
    while (at < model.alerts.length && model.alerts[at].eventTime > alert.eventTime) at++;
    if (at >= ALERT_CAP) return;
    model.alerts.splice(at, 0, alert);
    model.alertKeys.add(key);
    el.alerts.insertBefore(alertItem(alert), el.alerts.children[at] || null);
    while (model.alerts.length > ALERT_CAP) {
      model.alertKeys.delete(alertKey(model.alerts.pop()));
      el.alerts.lastElementChild.remove();
    }
    const inst = alertInstanceKey(alert);
    const prev = model.instances.get(inst);
    if (!prev || prev.eventTime <= alert.eventTime) model.instances.set(inst, alert);
    renderAlertCount();
    scheduleRender(); // markers on the chart
  }

  function alertStateClass(state) {
    const s = String(state || '').toLowerCase();
    return s === 'firing' || s === 'resolved' || s === 'pending' ? 'alert-' + s : 'alert-other';
  }

  function span(cls, text) {
    const node = document.createElement('span');
    node.className = cls;
    node.textContent = text;
    return node;
  }

  function timeNode(ms) {
    const node = document.createElement('time');
    node.textContent = formatTime(ms, false);
    if (typeof ms === 'number') {
      node.dateTime = new Date(ms).toISOString();
      node.title = new Date(ms).toString();
    }
    return node;
  }

  function alertItem(a) {
    const li = document.createElement('li');
    li.className = 'alert ' + alertStateClass(a.state) + (a.replay ? ' alert-replay' : '');

    const head = document.createElement('div');
    head.className = 'alert-head';
    head.append(span('alert-state', String(a.state || 'UNKNOWN')), span('alert-rule', String(a.rule || '(unnamed rule)')));
    if (a.severity) {
      const sev = span('alert-severity', String(a.severity));
      sev.classList.add('sev-' + String(a.severity).toLowerCase().replace(/[^a-z0-9-]/g, ''));
      head.appendChild(sev);
    }
    if (a.replay) head.appendChild(span('alert-tag', 'earlier'));

    const body = document.createElement('div');
    body.className = 'alert-body';
    body.append(span('alert-series', String(a.series || '')), document.createTextNode(' = '),
      span('alert-value', formatValue(a.value)));
    if (a.condition) body.append(document.createTextNode(' '), span('alert-condition', '(' + a.condition + ')'));
    li.append(head, body);

    const labels = a.labels && typeof a.labels === 'object' ? Object.keys(a.labels) : [];
    if (labels.length) {
      const box = document.createElement('div');
      box.className = 'alert-labels';
      for (const k of labels) box.appendChild(span('', k + '=' + a.labels[k]));
      li.appendChild(box);
    }

    const times = document.createElement('div');
    times.className = 'alert-times';
    const verb = { FIRING: 'Firing at ', PENDING: 'Pending since ', RESOLVED: 'Resolved at ' }[a.state] || 'At ';
    times.append(document.createTextNode(verb), timeNode(a.eventTime));
    if (typeof a.firedAt === 'number' && a.firedAt > 0 && a.firedAt !== a.eventTime) {
      times.append(document.createTextNode(' · fired at '), timeNode(a.firedAt));
    }
    li.appendChild(times);
    return li;
  }

  function renderAlertCount() {
    let firing = 0;
    for (const a of model.instances.values()) if (a.state === 'FIRING') firing++;
    const n = model.alerts.length;
    el.alertCount.textContent = n ? (firing ? firing + ' firing · ' : '') + n + ' shown' : '';
    el.alertsEmpty.hidden = n > 0;
  }

  // ---- Chart --------------------------------------------------------------------------------------

  function serverNow() {
    return Date.now() + model.clockOffset;
  }

  function latestTime() {
    let latest = -Infinity;
    for (const name of model.subscribed) {
      const s = model.stores.get(name);
      if (s && s.t.length) latest = Math.max(latest, s.t[s.t.length - 1]);
    }
    return latest;
  }

  /**
   * Right edge of the live view: the server's "now", unless the newest data is ahead of it (clock skew)
   * or more than a window behind it (replayed or stopped data) - then follow the data so it stays visible.
   */
  function liveEnd() {
    const now = serverNow();
    const latest = latestTime();
    if (latest === -Infinity) return now;
    if (latest > now || now - latest > model.windowMs) return latest;
    return now;
  }

  function currentRange() {
    if (model.frozen) return model.frozen;
    const end = liveEnd();
    return [end - model.windowMs, end];
  }

  /** Keep the window plus some slack; while paused also keep what the frozen view shows. */
  function trimCutoff() {
    const slack = model.windowMs * 0.1 + 2000;
    let cutoff = liveEnd() - model.windowMs - slack;
    if (model.frozen) cutoff = Math.min(cutoff, model.frozen[0] - slack);
    return cutoff;
  }

  function plotWidth() {
    if (plot && plot.bbox && plot.bbox.width > 0) return Math.round(plot.bbox.width / (window.devicePixelRatio || 1));
    return Math.max(200, (el.chartWrap.clientWidth || 800) - 60);
  }

  function bucketMs() {
    return Math.max(1, model.windowMs / plotWidth());
  }

  function chartSize() {
    const width = Math.max(200, el.chartWrap.clientWidth || 800);
    const narrow = window.innerWidth < 860;
    const height = narrow
      ? Math.min(380, Math.max(220, Math.round(width * 0.7)))
      : Math.min(720, Math.max(240, window.innerHeight - 250));
    return { width, height };
  }

  function effectiveTheme() {
    const forced = document.documentElement.dataset.theme;
    if (forced === 'dark' || forced === 'light') return forced;
    return window.matchMedia && window.matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
  }

  function seriesColor(name, dark) {
    const slot = model.colors.has(name) ? model.colors.get(name) : 0;
    const palette = dark ? PALETTE_DARK : PALETTE_LIGHT;
    if (slot < palette.length) return palette[slot];
    return 'hsl(' + Math.round((slot * 137.508) % 360) + ', 65%, ' + (dark ? '65%' : '42%') + ')';
  }

  function cssVar(name) {
    return getComputedStyle(document.documentElement).getPropertyValue(name).trim();
  }

  /** Series in picker order, so the legend matches the list. */
  function plotSeriesNames() {
    const order = name => { const i = model.known.indexOf(name); return i < 0 ? Infinity : i; };
    return Array.from(model.subscribed).sort((a, b) => order(a) - order(b));
  }

  /** Y axis as wide as its longest tick label, so big numbers are not cut off. */
  function yAxisSize(u, values, axisIdx, cycleNum) {
    const axis = u.axes[axisIdx];
    if (cycleNum > 1) return axis._size;
    let size = axis.ticks.size + axis.gap;
    const longest = (values || []).reduce((acc, v) => (String(v).length > acc.length ? String(v) : acc), '');
    if (longest) {
      u.ctx.font = axis.font[0];
      size += u.ctx.measureText(longest).width / (window.devicePixelRatio || 1);
    }
    return Math.ceil(size) + 4;
  }

  /** Short 24-hour tick labels; the date only where it changes (uPlot's default is long and US-style). */
  function timeAxisValues(u, splits, axisIdx, space, incr) {
    let prevDay = null;
    return splits.map(ms => {
      if (ms == null) return null;
      const d = new Date(ms);
      let s = pad(d.getHours()) + ':' + pad(d.getMinutes());
      if (incr < 60000) s += ':' + pad(d.getSeconds());
      const day = d.toDateString();
      if (prevDay !== null && day !== prevDay) s += '\n' + d.getFullYear() + '-' + pad(d.getMonth() + 1) + '-' + pad(d.getDate());
      prevDay = day;
      return s;
    });
  }

  /** (Re)creates the uPlot instance; needed when the series set or the colours change. */
  function buildPlot() {
    plotStale = false;
    if (plot) { plot.destroy(); plot = null; }
    const names = plotNames = plotSeriesNames();
    if (typeof window.uPlot !== 'function') return;
    markerColors = {
      FIRING: cssVar('--alert-firing'), PENDING: cssVar('--alert-pending'),
      RESOLVED: cssVar('--alert-resolved'), other: cssVar('--muted'),
    };
    const dark = effectiveTheme() === 'dark';
    const axisColor = cssVar('--chart-axis');
    const lines = { stroke: cssVar('--chart-grid'), width: 1 };
    const size = chartSize();
    const series = [{
      label: 'Time',
      value: (u, ts) => (ts == null ? 'latest' : formatTime(ts, true)),
    }];
    for (const name of names) {
      series.push({
        label: name,
        stroke: seriesColor(name, dark),
        width: 1.5,
        spanGaps: false, // undefined slots are spanned anyway; only null (a server gap) breaks the line
        show: !model.hidden.has(name),
        // Without hover, show the newest value instead of a blank.
        value: (u, v, sidx, idx) => formatValue(idx == null ? lastValue(name) : v),
      });
    }
    plot = new window.uPlot({
      width: size.width,
      height: size.height,
      ms: 1, // timestamps are epoch milliseconds
      scales: { x: { time: true, auto: false, range: (u, min, max) => [min, max] } },
      series: series,
      axes: [
        { stroke: axisColor, grid: lines, ticks: lines, values: timeAxisValues },
        { stroke: axisColor, grid: lines, ticks: lines, size: yAxisSize },
      ],
      cursor: {
        drag: { x: true, y: false, setScale: false }, // we apply the zoom ourselves (it also pauses)
        bind: { dblclick: () => e => { if (e.button === 0) resume(); return null; } },
      },
      legend: { live: true },
      hooks: {
        setSelect: [onPlotSelect],
        setSeries: [onLegendToggle],
        draw: [drawAlertMarkers],
      },
    }, names.map(() => []).concat([[]]), el.chart);
  }

  function lastValue(name) {
    const s = model.stores.get(name);
    if (!s) return null;
    for (let i = s.v.length - 1; i >= 0; i--) if (s.v[i] !== null) return s.v[i];
    return null;
  }

  /** Drag on the chart: zoom to the selection and stop scrolling. */
  function onPlotSelect(u) {
    const left = u.select.left, width = u.select.width; // read first: setSelect below mutates u.select
    const min = u.posToVal(left, 'x');
    const max = u.posToVal(left + width, 'x');
    u.setSelect({ left: 0, top: 0, width: 0, height: 0 }, false);
    if (width < 2 || !(max - min >= 1)) return; // a twitch, not a zoom
    model.frozen = [min, max];
    model.zoomed = true;
    model.paused = true;
    updateControls();
    scheduleRender();
  }

  function onLegendToggle(u, idx, opts) {
    if (!opts || opts.show == null) return;
    const indices = idx == null ? u.series.map((s, i) => i).slice(1) : [idx];
    for (const i of indices) {
      const name = u.series[i] && u.series[i].label;
      if (opts.show) model.hidden.delete(name); else model.hidden.add(name);
    }
  }

  /** Vertical line per alert event in view, coloured by state. */
  function drawAlertMarkers(u) {
    if (!model.alerts.length) return;
    const { left, top, width, height } = u.bbox;
    const min = u.scales.x.min, max = u.scales.x.max;
    const px = window.devicePixelRatio || 1;
    const ctx = u.ctx;
    ctx.save();
    ctx.beginPath();
    ctx.rect(left, top, width, height);
    ctx.clip();
    for (const a of model.alerts) {
      if (!(a.eventTime >= min && a.eventTime <= max)) continue;
      const x = Math.round(u.valToPos(a.eventTime, 'x', true)) + 0.5;
      const color = markerColors[a.state] || markerColors.other;
      // Alerts of series not on the chart are still shown, but fainter.
      ctx.globalAlpha = !a.series || model.subscribed.has(a.series) ? 0.9 : 0.35;
      ctx.strokeStyle = color;
      ctx.fillStyle = color;
      ctx.lineWidth = px;
      ctx.setLineDash(a.state === 'RESOLVED' ? [2 * px, 3 * px] : [6 * px, 3 * px]);
      ctx.beginPath();
      ctx.moveTo(x, top);
      ctx.lineTo(x, top + height);
      ctx.stroke();
      ctx.setLineDash([]);
      ctx.beginPath(); // small flag at the top so markers are easy to spot
      ctx.moveTo(x - 5 * px, top);
      ctx.lineTo(x + 5 * px, top);
      ctx.lineTo(x, top + 7 * px);
      ctx.closePath();
      ctx.fill();
    }
    ctx.restore();
  }

  // ---- Rendering (at most once per animation frame) -----------------------------------------------

  function scheduleRender() {
    if (renderQueued) return;
    renderQueued = true;
    rafId = requestAnimationFrame(render);
    // Hidden tabs get no animation frames; still trim memory and refresh the test hooks now and then.
    fallbackTimer = setTimeout(render, 1000);
  }

  function render() {
    if (!renderQueued) return;
    renderQueued = false;
    cancelAnimationFrame(rafId);
    clearTimeout(fallbackTimer);
    if (plotStale) buildPlot();

    const range = currentRange();
    const cutoff = trimCutoff();
    let visible = 0;
    const slices = [];
    const width = plotWidth();
    const sliceBucket = Math.max(1, (range[1] - range[0]) / width);
    for (const name of model.subscribed) trimStore(model.stores.get(name), cutoff);
    for (const name of plotNames) {
      const store = model.stores.get(name) || emptyStore();
      const slice = sliceForRange(store, range[0], range[1], 2 * width, sliceBucket); // 2/px = min+max
      for (let i = 0; i < slice.t.length; i++) {
        if (slice.v[i] !== null && slice.t[i] >= range[0] && slice.t[i] <= range[1]) visible++;
      }
      slices.push(slice);
    }
    if (plot) {
      plot.setData(alignSeries(slices), false);
      plot.setScale('x', { min: range[0], max: range[1] });
      const now = Date.now();
      if (plot.cursor.idx == null && now - lastLegendUpdate > 250) { // keep "latest" values current
        lastLegendUpdate = now;
        plot.setLegend({ idx: null }, false);
      }
    }
    const total = totalPoints();
    updateEmptyState(visible, total);
    updateRangeLabel(range);
    syncBodyAttrs(total);
    maybeResubscribeForWidth();

    // While live, move the x range about one pixel at a time even if no data arrives.
    clearTimeout(tickTimer);
    if (!model.frozen && model.state !== 'closed') {
      tickTimer = setTimeout(scheduleRender, Math.min(1000, Math.max(50, model.windowMs / width)));
    }
  }

  function totalPoints() {
    let n = 0;
    for (const name of model.subscribed) {
      const s = model.stores.get(name);
      if (s) n += countValues(s);
    }
    return n;
  }

  function updateEmptyState(visible, total) {
    let text = '';
    if (typeof window.uPlot !== 'function') {
      text = 'The chart library (vendor/uplot/uPlot.iife.min.js) could not be loaded, so no chart can be drawn.';
    } else if (model.state === 'unauthorized') {
      text = 'Enter the access token above to see data.';
    } else if (model.subscribed.size === 0 && model.known.length > 0) {
      text = 'No series selected. Tick a series in the Series list to chart it.';
    } else if (model.subscribed.size === 0 || total === 0) {
      text = 'Waiting for data… points written to the pipeline\'s ChartSink appear here.';
    } else if (visible === 0) {
      text = model.frozen
        ? 'No points in this part of the timeline. Double-click the chart or press Resume to go back to live.'
        : 'No points in the last ' + formatDuration(model.windowMs) + '. Try a longer window.';
    }
    if (el.empty.textContent !== text) el.empty.textContent = text;
    el.empty.hidden = text === '';
  }

  function updateRangeLabel(range) {
    let text;
    if (model.zoomed) text = 'Zoomed: ' + formatTime(range[0], false) + ' – ' + formatTime(range[1], false);
    else if (model.paused) text = 'Paused: ' + formatTime(range[0], false) + ' – ' + formatTime(range[1], false);
    else {
      text = 'Live · last ' + formatDuration(model.windowMs);
      const latest = latestTime();
      const behind = serverNow() - latest;
      if (latest !== -Infinity && behind > model.windowMs) text += ' · no new points for ' + formatDuration(behind);
    }
    if (el.rangeLabel.textContent !== text) el.rangeLabel.textContent = text;
  }

  function setAttr(name, value) {
    const v = String(value);
    if (lastAttrs[name] !== v) { lastAttrs[name] = v; document.body.setAttribute(name, v); }
  }

  function syncBodyAttrs(total) {
    setAttr('data-state', model.state);
    setAttr('data-frames', model.frames);
    setAttr('data-points', total === undefined ? totalPoints() : total);
    setAttr('data-alerts', model.alerts.length);
    setAttr('data-paused', model.paused);
  }

  /** Re-subscribe when the chart got much wider or narrower, so the server sends a fitting number of points. */
  let widthCheckTimer = 0;
  function maybeResubscribeForWidth() {
    if (widthCheckTimer || !conn || !conn.ready || !model.sentMaxPoints) return;
    if (currentMaxPoints() === model.sentMaxPoints) return;
    // Wait for the resize to settle: a re-subscribe makes the server re-send the whole window.
    widthCheckTimer = setTimeout(() => {
      widthCheckTimer = 0;
      if (conn && conn.ready && currentMaxPoints() !== model.sentMaxPoints) subscribe(Array.from(model.subscribed));
    }, 1000);
  }

  // ---- Controls -----------------------------------------------------------------------------------

  function pause() {
    model.frozen = currentRange().slice();
    model.paused = true;
    updateControls();
    scheduleRender();
  }

  /** Resume live scrolling; also what "reset zoom" means. */
  function resume() {
    model.frozen = null;
    model.paused = false;
    model.zoomed = false;
    updateControls();
    scheduleRender();
  }

  function updateControls() {
    el.pause.textContent = model.paused ? 'Resume' : 'Pause';
    el.pause.setAttribute('aria-pressed', String(model.paused));
    el.pause.title = model.paused ? 'Go back to the live, scrolling view' : 'Stop the chart from scrolling; data keeps arriving';
    syncBodyAttrs();
  }

  function onWindowChange() {
    const ms = Number(el.window.value);
    if (!(ms > 0)) return;
    model.windowMs = ms;
    if (model.frozen) { // keep looking at the same moment, with the new span
      const end = model.frozen[1];
      model.frozen = [end - ms, end];
      model.zoomed = false;
    }
    updateControls();
    subscribe(Array.from(model.subscribed)); // history for the new span replaces what we hold
    scheduleRender();
  }

  function applyTheme(theme) {
    if (theme) document.documentElement.dataset.theme = theme;
    else delete document.documentElement.dataset.theme;
    const dark = effectiveTheme() === 'dark';
    el.theme.textContent = dark ? 'Light theme' : 'Dark theme';
    el.theme.setAttribute('aria-pressed', String(dark));
    plotStale = true; // canvas colours are baked into the plot options
    renderSeriesList();
    scheduleRender();
  }

  function toggleTheme() {
    const next = effectiveTheme() === 'dark' ? 'light' : 'dark';
    try { localStorage.setItem(THEME_KEY, next); } catch (e) { /* private mode: just not remembered */ }
    applyTheme(next);
  }

  function onResize() {
    if (!plot) return;
    const size = chartSize();
    if (size.width !== plot.width || size.height !== plot.height) {
      plot.setSize(size);
      scheduleRender();
    }
  }

  // ---- Status, notices, token ---------------------------------------------------------------------

  const STATE_TEXT = {
    connecting: 'Connecting…',
    live: 'Live',
    reconnecting: 'Reconnecting…',
    unauthorized: 'Access token needed',
    closed: 'Disconnected',
  };

  function setState(state, detail, text) {
    model.state = state;
    el.statusText.textContent = text || STATE_TEXT[state];
    if (detail !== undefined) el.statusDetail.textContent = detail;
    if (state !== 'reconnecting') el.reconnect.hidden = true;
    syncBodyAttrs();
    scheduleRender();
  }

  function addNotice(text, isError) {
    const p = document.createElement('p');
    p.className = 'notice' + (isError ? ' notice-error' : '');
    const close = document.createElement('button');
    close.type = 'button';
    close.textContent = '×';
    close.setAttribute('aria-label', 'Dismiss');
    close.addEventListener('click', () => p.remove());
    p.append(span('', text), close);
    el.notices.prepend(p);
    while (el.notices.children.length > NOTICE_CAP) el.notices.lastElementChild.remove();
    setTimeout(() => p.remove(), NOTICE_TTL_MS);
  }

  function loadToken() {
    try { return sessionStorage.getItem(TOKEN_KEY) || ''; } catch (e) { return ''; }
  }

  function saveToken(token) {
    try { sessionStorage.setItem(TOKEN_KEY, token); } catch (e) { /* kept for this connection only */ }
  }

  function forgetToken() {
    try { sessionStorage.removeItem(TOKEN_KEY); } catch (e) { /* nothing stored */ }
  }

  /** Accept "#token=..." once, then take it out of the address bar (and so out of history and bookmarks). */
  function takeTokenFromUrl() {
    if (!location.hash || location.hash.length < 2) return;
    const params = new URLSearchParams(location.hash.slice(1));
    const token = params.get('token');
    if (token === null) return;
    if (token) saveToken(token);
    params.delete('token');
    const rest = params.toString();
    history.replaceState(history.state, '', location.pathname + location.search + (rest ? '#' + rest : ''));
  }

  function showTokenForm(message) {
    el.token.hidden = false;
    el.tokenMessage.textContent = message || '';
    if (document.activeElement !== el.tokenInput) el.tokenInput.focus();
  }

  function hideTokenForm() {
    el.token.hidden = true;
    el.tokenMessage.textContent = '';
  }

  function onTokenSubmit(e) {
    e.preventDefault(); // the CSP forbids form submission anyway; this is all client side
    const token = el.tokenInput.value.trim();
    if (!token) return;
    saveToken(token);
    el.tokenInput.value = '';
    el.tokenMessage.textContent = 'Checking…';
    if (conn && conn.ws.readyState === 1 && !conn.ready) {
      conn.authSent = true;
      send({ type: 'auth', token: token });
      setState('connecting', 'Checking the access token…');
    } else {
      attempt = 0;
      connect();
    }
  }

  // ---- Start --------------------------------------------------------------------------------------

  function init() {
    const ids = ['chart', 'chart-wrap', 'empty', 'status-text', 'status-detail', 'reconnect', 'pause', 'window',
      'theme', 'token', 'token-input', 'token-message', 'series-list', 'series-filter', 'series-empty',
      'series-count', 'alerts', 'alerts-empty', 'alert-count', 'range-label', 'notices'];
    for (const id of ids) el[id.replace(/-(\w)/g, (m, c) => c.toUpperCase())] = document.getElementById(id);

    model.windowMs = Number(el.window.value) || DEFAULT_WINDOW_MS;
    takeTokenFromUrl();

    el.pause.addEventListener('click', () => (model.paused ? resume() : pause()));
    el.window.addEventListener('change', onWindowChange);
    el.theme.addEventListener('click', toggleTheme);
    el.token.addEventListener('submit', onTokenSubmit);
    el.reconnect.addEventListener('click', () => { attempt = 0; connect(); });
    el.seriesList.addEventListener('change', onSeriesCheckbox);
    el.seriesFilter.addEventListener('input', renderSeriesList);
    window.addEventListener('resize', onResize);
    if (window.ResizeObserver) new ResizeObserver(onResize).observe(el.chartWrap);
    window.addEventListener('pagehide', () => {
      setState('closed', '');
      if (conn) conn.ws.close(1000);
      clearTimeout(reconnectTimer);
      clearInterval(countdownTimer);
    });
    window.addEventListener('pageshow', e => { if (e.persisted) { attempt = 0; connect(); } }); // back/forward cache
    if (window.matchMedia) {
      const mq = window.matchMedia('(prefers-color-scheme: dark)');
      const follow = () => { if (!document.documentElement.dataset.theme) applyTheme(null); };
      if (mq.addEventListener) mq.addEventListener('change', follow);
    }

    let savedTheme = null;
    try { savedTheme = localStorage.getItem(THEME_KEY); } catch (e) { /* ignore */ }
    applyTheme(savedTheme === 'dark' || savedTheme === 'light' ? savedTheme : null);
    updateControls();
    renderSeriesList();
    renderAlertCount();

    window.dataCascade = {
      get state() { return model.state; },
      series: () => Array.from(model.subscribed),
      points: name => (model.stores.has(name) ? countValues(model.stores.get(name)) : 0),
      totalPoints: totalPoints,
      get frames() { return model.frames; },
      alerts: () => model.alerts.slice(),
      get paused() { return model.paused; },
      get zoomed() { return model.zoomed; },
      xRange: () => (plot && plot.scales.x.min != null ? [plot.scales.x.min, plot.scales.x.max] : currentRange().slice()),
      get plot() { return plot; },
      // Extras for debugging; not part of the stable hook set.
      get gaps() { return model.gaps; },
      get windowMs() { return model.windowMs; },
      get lastSeq() { return model.lastSeq; },
      maxPoints: currentMaxPoints,
    };

    connect();
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', init);
  else init();
})();
