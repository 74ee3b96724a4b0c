// The map page's choropleth, drawn with the local plotly.js (no CDN, no build step).
//
// Streamlit's component protocol (v1) by hand: tell the parent we are ready, receive
// "streamlit:render" messages with the arguments, answer with setComponentValue and
// setFrameHeight. The geometry of the communes comes once: the arguments carry
// `geometry_hash` always and `geometry` only when this browser session has not got it. It is
// kept by hash in memory and in sessionStorage (the frame is same-origin), so a remount after
// a page change draws at once; without it, the frame asks Python for it ({need: hash}).
// What is drawn is Python's (dashboard/geo/maps.py: values, assemble): this file only puts the
// values on the geometry, as assemble() does.
(function () {
  "use strict";
  // plotly.js (its basic bundle, 1,2 MB) is served by Streamlit without a cache lifetime, so the
  // browser would fetch it again at every mount of the frame: it is kept in IndexedDB by its
  // versioned file name instead and run from there.
  var PLOTLY_FILE = (document.currentScript && document.currentScript.getAttribute("data-plotly")) || "plotly-basic.min.js";
  var loaded = false;
  var pending = null;
  var STORE = "qn-map-geometry:";
  var memory = {};
  var asked = null;
  var clickHandlerSet = false;
  var mapDiv = document.getElementById("map");
  // The look of Streamlit's plotly theme, under the figure's own layout (which wins).
  var FONT = '"Source Sans", "Source Sans Pro", "Segoe UI", Roboto, Arial, sans-serif';
  var THEME = {
    font: { family: FONT, color: "#31333F", size: 12 },
    title: { font: { family: FONT, color: "#31333F", weight: 700 } },
    legend: { title: { font: { size: 12, color: "#808495" } } },
    hoverlabel: { bgcolor: "#ffffff", bordercolor: "#d5dae5", font: { family: FONT, color: "#31333F" } }
  };
  var CONFIG = { responsive: true, modeBarButtonsToRemove: ["select2d", "lasso2d", "sendDataToCloud", "sendChartToCloud"] };
  var waiting = document.getElementById("waiting");

  function send(type, data) {
    var msg = Object.assign({ isStreamlitMessage: true, type: type }, data || {});
    window.parent.postMessage(msg, "*");
  }
  function setValue(value) {
    value.nonce = Date.now().toString(36) + Math.random().toString(36).slice(2);
    send("streamlit:setComponentValue", { value: value, dataType: "json" });
  }
  function setHeight(h) { send("streamlit:setFrameHeight", { height: h }); }

  function keep(hash, geometry) {
    memory[hash] = geometry;
    try { window.sessionStorage.setItem(STORE + hash, JSON.stringify(geometry)); } catch (e) { /* full or off: memory only */ }
  }
  function recall(hash) {
    if (memory[hash]) return memory[hash];
    try {
      var text = window.sessionStorage.getItem(STORE + hash);
      if (text) { memory[hash] = JSON.parse(text); return memory[hash]; }
    } catch (e) { /* unreadable: ask again */ }
    return null;
  }

  // The same merge as maps.assemble(): per commune its values over the shared fill style,
  // its rings as x and y; one trace of dots carrying the hover and the click (customdata).
  function assemble(shape, vals) {
    var order = shape.order.filter(function (c) { return vals.communes[c]; });
    var traces = order.map(function (c) {
      return Object.assign({}, vals.fill_style, vals.styles[vals.communes[c].style],
        { text: vals.communes[c].text, x: shape.rings[c][0], y: shape.rings[c][1], meta: c });
    });
    var dots = Object.assign({}, vals.dot_style, {
      x: order.map(function (c) { return shape.dots[c][0]; }),
      y: order.map(function (c) { return shape.dots[c][1]; }),
      customdata: order,
      text: order.map(function (c) { return vals.communes[c].text; })
    });
    return traces.concat(vals.legend, [dots]);
  }

  function under(base, over) {  // a deep merge: `over` wins, plain objects are merged
    var out = Object.assign({}, base);
    Object.keys(over).forEach(function (k) {
      var a = out[k], b = over[k];
      var plain = function (v) { return v && typeof v === "object" && !Array.isArray(v); };
      out[k] = plain(a) && plain(b) ? under(a, b) : b;
    });
    return out;
  }

  function draw(args, shape) {
    var layout = under(THEME, Object.assign({}, args.values.layout, { autosize: true }));
    var config = Object.assign({}, CONFIG, args.config);
    waiting.hidden = true;
    Plotly.react(mapDiv, assemble(shape, args.values), layout, config).then(function () {
      setHeight(args.height || layout.height || 640);
    });
    if (!clickHandlerSet) {
      clickHandlerSet = true;
      mapDiv.on("plotly_click", function (ev) {
        var p = ev && ev.points && ev.points[0];
        if (!p) return;
        var code = typeof p.customdata === "string" ? p.customdata : (p.data && p.data.meta);
        if (typeof code === "string") setValue({ clicked: code });
      });
    }
  }

  function render(args) {
    var hash = args.geometry_hash;
    if (args.geometry) keep(hash, args.geometry);
    var shape = recall(hash);
    if (!shape) {
      if (args.values && args.values.waiting) waiting.textContent = args.values.waiting;
      waiting.hidden = false;
      setHeight(40);
      if (asked !== hash) { asked = hash; setValue({ need: hash }); }
      return;
    }
    asked = null;
    draw(args, shape);
  }

  function openStore() {
    return new Promise(function (resolve) {
      try {
        var req = window.indexedDB.open("qn-map", 1);
        req.onupgradeneeded = function () { req.result.createObjectStore("scripts"); };
        req.onsuccess = function () { resolve(req.result); };
        req.onerror = function () { resolve(null); };
      } catch (e) { resolve(null); }
    });
  }
  function stored(key) {
    return openStore().then(function (db) {
      if (!db) return null;
      return new Promise(function (resolve) {
        try {
          var req = db.transaction("scripts").objectStore("scripts").get(key);
          req.onsuccess = function () { resolve(typeof req.result === "string" ? req.result : null); };
          req.onerror = function () { resolve(null); };
        } catch (e) { resolve(null); }
      });
    });
  }
  function store(key, text) {
    openStore().then(function (db) {
      if (!db) return;
      try {
        var scripts = db.transaction("scripts", "readwrite").objectStore("scripts");
        scripts.clear();  // an older plotly.js goes
        scripts.put(text, key);
      } catch (e) { /* not kept: fetched again next time */ }
    });
  }
  function runScript(src) {
    return new Promise(function (resolve, reject) {
      var tag = document.createElement("script");
      tag.src = src;
      tag.onload = resolve;
      tag.onerror = reject;
      document.head.appendChild(tag);
    });
  }
  function loadPlotly() {
    return stored(PLOTLY_FILE).then(function (text) {
      if (text) return text;
      return window.fetch(PLOTLY_FILE).then(function (r) {
        if (!r.ok) throw new Error(PLOTLY_FILE + ": " + r.status);
        return r.text();
      }).then(function (fetched) { store(PLOTLY_FILE, fetched); return fetched; });
    }).then(function (text) {
      return runScript(URL.createObjectURL(new Blob([text], { type: "text/javascript" })));
    }).catch(function () {
      return window.Plotly ? null : runScript(PLOTLY_FILE);  // the plain way
    });
  }

  window.addEventListener("message", function (event) {
    var data = event.data;
    if (event.source !== window.parent || !data || data.type !== "streamlit:render") return;
    if (loaded) render(data.args || {}); else pending = data.args || {};
  });
  send("streamlit:componentReady", { apiVersion: 1 });
  loadPlotly().then(function () {
    loaded = true;
    if (pending) render(pending);
  });
})();
