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
  var STORE = "qn-map-geometry:";
  var memory = {};
  var asked = null;
  var clickHandlerSet = false;
  var mapDiv = document.getElementById("map");
  // The look of Streamlit's plotly theme, under the figure's own layout (which wins).
  var FONT = '"Source Sans", "Source Sans Pro", "Segoe UI", Roboto, Arial, sans-serif';
  var THEME = {
    font: { family: FONT, color: "#31333F", size: 12 },
    title: { font: { family: FONT, color: "#31333F", weight: 600 } },
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
      waiting.hidden = false;
      setHeight(40);
      if (asked !== hash) { asked = hash; setValue({ need: hash }); }
      return;
    }
    asked = null;
    draw(args, shape);
  }

  window.addEventListener("message", function (event) {
    var data = event.data;
    if (event.source !== window.parent || !data || data.type !== "streamlit:render") return;
    render(data.args || {});
  });
  send("streamlit:componentReady", { apiVersion: 1 });
})();
