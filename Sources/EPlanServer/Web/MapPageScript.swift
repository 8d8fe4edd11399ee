extension MapPageAssets {
    /// The page's script. Every text from the server (project names are user data) is put in
    /// the page with `textContent` or as a DOM node, never as HTML. The CSRF token given at
    /// login is kept for the tab in sessionStorage and echoed in X-CSRF-Token on writes.
    static let script = ##"""
"use strict";
(function () {
  var T = {
    th: {
      title: "แผนที่โครงการ", login: "เข้าสู่ระบบ", name: "ชื่อบัญชี", password: "รหัสผ่าน", loginButton: "เข้าสู่ระบบ",
      logout: "ออกจากระบบ", otherLAO: "อปท. อื่น", legend: "สถานะโครงการ", pinTitle: "ปักหมุดโครงการ",
      noPin: "บัญชีนี้ปักหมุดโครงการของ อปท. นี้ไม่ได้", project: "โครงการ", modePoint: "จุด (อาคาร)", modeLine: "เส้น (ถนน)",
      modeArea: "พื้นที่", hint: "เลือกโครงการ แล้วคลิกบนแผนที่: จุดเดียว (อาคาร) หลายจุด (ถนน) หรือรอบพื้นที่",
      undo: "ย้อนจุดล่าสุด", clear: "ล้าง", save: "บันทึก", typed: "หรือพิมพ์พิกัด (บรรทัดละจุด รูปแบบใดก็ได้ที่คำสั่ง eplan อ่านได้)",
      check: "ตรวจพิกัด", unpinned: "โครงการที่ยังไม่ปักหมุด", other: "English", choose: "— เลือกโครงการ —",
      notPinned: "ยังไม่ปักหมุด", inside: "อยู่ในพื้นที่ของ อปท. บันทึกได้", refused: "ไม่ผ่าน: อยู่นอกพื้นที่",
      metresOut: "ห่างออกไป", metres: "เมตร", liesIn: "ตำแหน่งนี้อยู่ใน", tambon: "ตำบล", amphoe: "อำเภอ", lao: "อปท.",
      moreLine: "คลิกอีกอย่างน้อยหนึ่งจุดเพื่อเป็นเส้น", moreArea: "คลิกให้ครบอย่างน้อยสามจุดเพื่อเป็นพื้นที่",
      saved: "บันทึกแล้ว รุ่นที่", chooseFirst: "เลือกโครงการก่อน", checking: "กำลังตรวจ…",
      noLeaflet: "ไม่พบ Leaflet บนเครื่องแม่ข่าย (/usr/share/javascript/leaflet) ผู้ดูแลระบบติดตั้งได้ด้วย apt install libjs-leaflet",
      sessionOver: "การเข้าสู่ระบบหมดอายุ โปรดเข้าสู่ระบบใหม่", failed: "ติดต่อเครื่องแม่ข่ายไม่ได้",
      code: "รหัส", kind: "ประเภท", planYear: "ปีแผน", stage: "สถานะ", budget: "งบประมาณ (บาท)", funding: "แหล่งเงิน",
      contract: "วงเงินสัญญา (บาท)", disbursed: "เบิกจ่าย (บาท)", progress: "ความก้าวหน้า (%)", pin: "หมุด",
      movePin: "ปักหมุดใหม่", by: "โดย", version: "รุ่น", synthetic: "เขตพื้นที่โดยประมาณ (ไม่ใช่แนวเขตทางการ)"
    },
    en: {
      title: "Project map", login: "Log in", name: "Account", password: "Password", loginButton: "Log in",
      logout: "Log out", otherLAO: "Other LAO", legend: "Project stage", pinTitle: "Pin a project",
      noPin: "This account may not pin this LAO's projects", project: "Project", modePoint: "Point (building)",
      modeLine: "Line (road)", modeArea: "Area", hint: "Choose a project, then click the map: one point (building), several (road) or a ring (area)",
      undo: "Undo last point", clear: "Clear", save: "Save", typed: "Or type coordinates (one per line, any form the eplan command reads)",
      check: "Check", unpinned: "Projects not pinned yet", other: "ภาษาไทย", choose: "— choose a project —",
      notPinned: "not pinned", inside: "Inside the LAO's area: can be saved", refused: "Refused: outside the area",
      metresOut: "outside by", metres: "m", liesIn: "It lies in", tambon: "tambon", amphoe: "amphoe", lao: "LAO",
      moreLine: "Click at least one more point for a line", moreArea: "Click at least three points for an area",
      saved: "Saved, version", chooseFirst: "Choose a project first", checking: "Checking…",
      noLeaflet: "Leaflet was not found on the server (/usr/share/javascript/leaflet); the administrator installs it with apt install libjs-leaflet",
      sessionOver: "The session has ended; please log in again", failed: "The server cannot be reached",
      code: "Code", kind: "Kind", planYear: "Plan year", stage: "Stage", budget: "Budget (baht)", funding: "Funding",
      contract: "Contract (baht)", disbursed: "Disbursed (baht)", progress: "Progress (%)", pin: "Pin",
      movePin: "Pin again", by: "by", version: "version", synthetic: "Approximate area (not an official boundary)"
    }
  };
  var STAGE_COLOURS = { "planned": "#7f7f7f", "plan-approved": "#1f77b4", "budget-approved": "#9467bd",
                        "contracted": "#ff7f0e", "disbursed": "#d62728", "completed": "#2ca02c" };
  var lang = localStorage.getItem("eplan.lang") === "en" ? "en" : "th";
  var state = { data: null, lao: null, vertices: [], body: null, accepted: false, seq: 0 };
  var map = null, layers = {};

  function $(id) { return document.getElementById(id); }
  function t(key) { return T[lang][key] || key; }
  function el(tag, text, cls) {
    var e = document.createElement(tag);
    if (text !== undefined && text !== null) { e.textContent = String(text); }
    if (cls) { e.className = cls; }
    return e;
  }
  function clearNode(n) { while (n.firstChild) { n.removeChild(n.firstChild); } }
  function notice(text, isError) {
    var n = $("notice");
    n.textContent = text || "";
    n.hidden = !text;
    n.className = isError ? "error" : "";
  }
  function number(v) { return v === null || v === undefined ? "–" : Number(v).toLocaleString(lang === "th" ? "th-TH" : "en-GB"); }

  // MARK: talking to the service

  function request(method, path, body) {
    var headers = { "Accept": "application/json", "Accept-Language": lang };
    if (body !== undefined) { headers["Content-Type"] = "application/json"; }
    var csrf = sessionStorage.getItem("eplan.csrf");
    if (method !== "GET" && csrf) { headers["X-CSRF-Token"] = csrf; }
    return fetch(path, { method: method, headers: headers, credentials: "same-origin",
                         body: body === undefined ? undefined : JSON.stringify(body) })
      .then(function (r) {
        return r.text().then(function (text) {
          var json = null;
          try { json = text ? JSON.parse(text) : null; } catch (e) { json = null; }
          return { status: r.status, json: json };
        });
      });
  }

  function applyLanguage() {
    document.documentElement.lang = lang;
    document.title = "eplan – " + t("title");
    Array.prototype.forEach.call(document.querySelectorAll("[data-t]"), function (n) { n.textContent = t(n.getAttribute("data-t")); });
    $("lang").textContent = t("other");
    if (state.data) { render(state.data); }
  }

  // MARK: login

  function showLogin(message) {
    $("app").hidden = true; $("logout").hidden = true; $("who").textContent = "";
    $("login").hidden = false;
    $("login-error").textContent = message || "";
  }

  function login(ev) {
    ev.preventDefault();
    $("login-error").textContent = "";
    request("POST", "/api/v1/login", { name: $("name").value, password: $("password").value }).then(function (r) {
      if (r.status !== 200 || !r.json) { $("login-error").textContent = (r.json && r.json.detail) || t("failed"); return; }
      sessionStorage.setItem("eplan.csrf", r.json.csrf_token);
      sessionStorage.setItem("eplan.who", r.json.name + " (" + r.json.role + ")");
      $("password").value = "";
      if (location.pathname !== "/") { history.replaceState(null, "", "/"); }
      loadMap(null);
    }, function () { $("login-error").textContent = t("failed"); });
  }

  function logout() {
    request("POST", "/api/v1/logout").then(function () {}, function () {}).then(function () {
      sessionStorage.removeItem("eplan.csrf"); sessionStorage.removeItem("eplan.who");
      state.data = null;
      showLogin("");
    });
  }

  // MARK: the map

  function loadMap(laoCode) {
    var path = "/api/v1/map" + (laoCode ? "?lao=" + encodeURIComponent(laoCode) : "");
    return request("GET", path).then(function (r) {
      if (r.status === 401) { sessionStorage.removeItem("eplan.csrf"); showLogin(t("sessionOver")); return; }
      if (r.status !== 200 || !r.json) { notice((r.json && r.json.detail) || t("failed"), true); return; }
      if (typeof L === "undefined") { notice(t("noLeaflet"), true); return; }
      $("login").hidden = true; $("app").hidden = false; $("logout").hidden = false;
      $("who").textContent = sessionStorage.getItem("eplan.who") || "";
      var first = !state.data || state.data.lao.code !== r.json.lao.code;
      state.data = r.json;
      setUpMap();
      render(r.json);
      if (first) { fit(); }
    }, function () { notice(t("failed"), true); });
  }

  function setUpMap() {
    if (map) { return; }
    // No tiles: the machine may be offline, and the boundaries are the map.
    map = L.map("map", { zoomControl: true, attributionControl: false });
    map.on("click", onMapClick);
    // For the console and the browser test: where a coordinate is on screen.
    window.eplanMap = map;
  }

  function fit() {
    var b = layers.jurisdiction && layers.jurisdiction.getBounds();
    if (b && b.isValid()) { map.fitBounds(b, { padding: [30, 30] }); } else { map.setView([16.9, 99.1], 9); }
  }

  function render(data) {
    ["tambons", "jurisdiction", "projects", "draft"].forEach(function (k) { if (layers[k]) { map.removeLayer(layers[k]); } });
    // Not interactive, so that a click anywhere on a tambon reaches the map (Leaflet opens
    // tooltips on click where touch is possible); the names are permanent labels instead.
    layers.tambons = L.geoJSON(data.tambons, {
      style: { color: "#8a8a8a", weight: 1, dashArray: "4 3", fillColor: "#ffffff", fillOpacity: 0.4 },
      interactive: false,
      onEachFeature: function (f, layer) {
        var name = lang === "en" && f.properties.name_en ? f.properties.name_en : f.properties.name_th;
        layer.bindTooltip(el("span", t("tambon") + " " + name), { permanent: true, direction: "center", className: "tambon-label" });
      }
    }).addTo(map);
    layers.jurisdiction = L.geoJSON(data.jurisdiction || { type: "GeometryCollection", geometries: [] },
      { style: { color: "#264653", weight: 3, fill: false }, interactive: false }).addTo(map);
    layers.projects = L.geoJSON({ type: "FeatureCollection", features: data.projects.features.filter(function (f) { return f.geometry; }) }, {
      pointToLayer: function (f, latlng) {
        return L.circleMarker(latlng, { radius: 8, weight: 2, color: "#222", fillOpacity: 0.9, className: "pin pin-" + f.properties.stage });
      },
      style: function (f) {
        var c = STAGE_COLOURS[f.properties.stage] || "#000";
        var isPoint = f.geometry.type === "Point" || f.geometry.type === "MultiPoint";
        return { color: isPoint ? "#222" : c, fillColor: c, weight: isPoint ? 2 : 4, fillOpacity: isPoint ? 0.9 : 0.3,
                 className: "pin pin-" + f.properties.stage };
      },
      onEachFeature: function (f, layer) { layer.bindPopup(popup(f.properties)); }
    }).addTo(map);
    layers.draft = L.layerGroup().addTo(map);
    renderSide(data);
    drawDraft();
  }

  function popup(p) {
    var box = el("div", null, "popup");
    box.appendChild(el("h4", p.name_th));
    var table = el("table");
    var stage = (state.data.stages.filter(function (s) { return s.code === p.stage; })[0] || {})[lang] || p.stage;
    var rows = [[t("code"), p.code], [t("kind"), lang === "th" ? p.kind_th : p.kind], [t("planYear"), p.plan_year],
                [t("stage"), stage], [t("budget"), number(p.budget)], [t("funding"), (lang === "th" ? p.funding_th : p.funding) || "–"],
                [t("contract"), number(p.contract_amount)], [t("disbursed"), number(p.disbursed_amount)],
                [t("progress"), number(p.progress)],
                [t("pin"), p.pin_status ? p.pin_status + ", " + t("version") + " " + p.pin_version + ", " + p.pinned_at + " " + t("by") + " " + p.pinned_by : t("notPinned")]];
    rows.forEach(function (row) {
      var tr = el("tr"); tr.appendChild(el("th", row[0])); tr.appendChild(el("td", row[1])); table.appendChild(tr);
    });
    box.appendChild(table);
    if (state.data.may_pin) {
      var again = el("button", t("movePin"));
      again.type = "button";
      again.addEventListener("click", function () { chooseProject(p.code); map.closePopup(); });
      box.appendChild(again);
    }
    return box;
  }

  function renderSide(data) {
    var laoName = data.lao.name_th + (lang === "en" && data.lao.name_en ? " (" + data.lao.name_en + ")" : "");
    $("lao-name").textContent = laoName + " · " + data.lao.code;
    if (data.lao.synthetic) { $("lao-name").appendChild(el("small", " " + t("synthetic"))); }
    var pick = $("lao-select");
    clearNode(pick);
    data.laos.forEach(function (l) {
      var o = el("option", l.code + " " + l.name_th); o.value = l.code; o.selected = l.code === data.lao.code; pick.appendChild(o);
    });
    $("lao-pick").hidden = data.laos.length < 2;
    var legend = $("legend");
    clearNode(legend);
    data.stages.forEach(function (s) {
      var li = el("li"); li.appendChild(el("span", null, "swatch stage-" + s.code)); li.appendChild(el("span", s[lang])); legend.appendChild(li);
    });
    $("no-pin").hidden = data.may_pin; $("pin-tools").hidden = !data.may_pin;
    var select = $("project"), chosen = select.value;
    clearNode(select);
    var none = el("option", t("choose")); none.value = ""; select.appendChild(none);
    data.projects.features.forEach(function (f) {
      var p = f.properties;
      var o = el("option", p.code + " " + p.name_th + (f.geometry ? "" : " · " + t("notPinned")));
      o.value = p.code; select.appendChild(o);
    });
    select.value = chosen;
    var list = $("unpinned");
    clearNode(list);
    var byCode = {};
    data.projects.features.forEach(function (f) { byCode[f.properties.code] = f.properties; });
    data.unpinned.forEach(function (code) {
      var li = el("li"), b = el("button", code + " " + (byCode[code] ? byCode[code].name_th : ""));
      b.type = "button";
      if (data.may_pin) { b.addEventListener("click", function () { chooseProject(code); }); } else { b.disabled = true; }
      li.appendChild(b); list.appendChild(li);
    });
    $("unpinned-count").textContent = String(data.unpinned.length);
  }

  // MARK: pinning

  function mode() { return document.querySelector("input[name=mode]:checked").value; }

  function chooseProject(code) {
    $("project").value = code;
    var f = state.data.projects.features.filter(function (x) { return x.properties.code === code; })[0];
    if (f) {
      var m = f.properties.kind === "road" ? "line" : "point";
      document.querySelector("input[name=mode][value=" + m + "]").checked = true;
    }
    resetDraft();
  }

  function resetDraft() {
    state.vertices = []; state.body = null; state.accepted = false; state.seq += 1;
    $("save").disabled = true;
    verdict("", null);
    drawDraft();
  }

  function onMapClick(e) {
    if (!state.data || !state.data.may_pin) { return; }
    if (!$("project").value) { verdict("error", [t("chooseFirst")]); return; }
    var v = e.latlng.lat.toFixed(7) + ", " + e.latlng.lng.toFixed(7);
    if (mode() === "point") { state.vertices = [v]; } else { state.vertices.push(v); }
    drawDraft();
    askFromVertices();
  }

  function askFromVertices() {
    var m = mode(), v = state.vertices;
    state.accepted = false; $("save").disabled = true;
    if (v.length === 0) { verdict("", null); return; }
    if (m === "line" && v.length < 2) { verdict("", [t("moreLine")]); return; }
    if (m === "area" && v.length < 3) { verdict("", [t("moreArea")]); return; }
    var body = m === "point" ? { location: v[0] } : m === "line" ? { locations: v.slice() } : { polygon: v.slice() };
    dryRun(body);
  }

  function drawDraft() {
    if (!layers.draft) { return; }
    layers.draft.clearLayers();
    var pts = state.vertices.map(function (s) { var p = s.split(", "); return [Number(p[0]), Number(p[1])]; });
    var style = { color: "#000", weight: 3, dashArray: "6 4", fillOpacity: 0.15 };
    pts.forEach(function (p) { L.circleMarker(p, { radius: 5, color: "#000", fillColor: "#fff", fillOpacity: 1, className: "draft" }).addTo(layers.draft); });
    if (mode() === "line" && pts.length > 1) { L.polyline(pts, style).addTo(layers.draft); }
    if (mode() === "area" && pts.length > 2) { L.polygon(pts, style).addTo(layers.draft); }
  }

  function typedBody() {
    var lines = $("typed").value.split("\n").map(function (s) { return s.trim(); }).filter(function (s) { return s; });
    if (lines.length === 0) { return null; }
    var m = mode();
    if (m === "point" || lines.length === 1) { return { location: lines.join(" ") }; }
    return m === "line" ? { locations: lines } : { polygon: lines };
  }

  function checkTyped() {
    if (!$("project").value) { verdict("error", [t("chooseFirst")]); return; }
    var body = typedBody();
    if (!body) { return; }
    state.vertices = []; drawDraft();
    dryRun(body);
  }

  function dryRun(body) {
    var code = $("project").value, seq = ++state.seq;
    state.body = body;
    verdict("", [t("checking")]);
    var ask = Object.assign({}, body, { dry_run: true });
    request("POST", "/api/v1/projects/" + encodeURIComponent(code) + "/pins", ask).then(function (r) {
      if (seq !== state.seq) { return; }  // a later click has asked since
      showVerdict(r);
    }, function () { if (seq === state.seq) { verdict("error", [t("failed")]); } });
  }

  function place(found) {
    if (!found) { return ""; }
    var parts = [];
    function name(u) { return lang === "en" && u.name_en ? u.name_en : u.name_th; }
    if (found.tambon) { parts.push(t("tambon") + " " + name(found.tambon)); }
    if (found.amphoe) { parts.push(t("amphoe") + " " + name(found.amphoe)); }
    if (found.lao) { parts.push(t("lao") + " " + name(found.lao) + " (" + found.lao.code + ")"); }
    return parts.join(", ");
  }

  function showVerdict(r) {
    var j = r.json || {};
    if (r.status === 401) { showLogin(t("sessionOver")); return; }
    if (r.status === 200) {
      state.accepted = true; $("save").disabled = false;
      var lines = [t("inside") + " (" + j.status + ")"];
      if (j.found) { lines.push(t("liesIn") + " " + place(j.found)); }
      verdict("inside", lines.concat(j.messages || []));
      if (j.geometry && state.vertices.length === 0) { L.geoJSON(j.geometry, { style: { color: "#000", dashArray: "6 4" } }).addTo(layers.draft); }
      return;
    }
    if (r.status === 422 && j.pin) {
      var p = j.pin, lines2 = [t("refused") + " " + t("metresOut") + " " + number(p.distance_outside_m) + " " + t("metres")];
      if (p.found) { lines2.push(t("liesIn") + " " + place(p.found)); }
      verdict("refused", lines2.concat(p.messages || []));
      return;
    }
    verdict("error", [j.detail || t("failed")]);
  }

  function verdict(outcome, lines) {
    // The drawing takes the verdict's colour: green inside, red refused.
    var colour = outcome === "inside" ? "#2ca02c" : outcome === "refused" ? "#d62728" : "#000";
    if (layers.draft) { layers.draft.eachLayer(function (l) { if (l.setStyle) { l.setStyle({ color: colour }); } }); }
    var box = $("verdict");
    clearNode(box);
    box.className = outcome || "";
    box.setAttribute("data-outcome", outcome || "");
    if (!lines) { return; }
    box.appendChild(el("strong", lines[0]));
    if (lines.length > 1) {
      var ul = el("ul");
      lines.slice(1).forEach(function (s) { ul.appendChild(el("li", s)); });
      box.appendChild(ul);
    }
  }

  function save() {
    var code = $("project").value;
    if (!state.accepted || !state.body || !code) { return; }
    $("save").disabled = true;
    request("POST", "/api/v1/projects/" + encodeURIComponent(code) + "/pins", state.body).then(function (r) {
      if (r.status === 201 && r.json) {
        state.vertices = []; state.body = null; state.accepted = false;
        return loadMap(state.data.lao.code).then(function () { verdict("saved", [t("saved") + " " + r.json.version + " · " + code]); });
      }
      if (r.status === 403 && r.json && r.json.type === "urn:eplan:problem:csrf") { showLogin(t("sessionOver")); return; }
      showVerdict(r);
    }, function () { verdict("error", [t("failed")]); });
  }

  // MARK: start

  function start() {
    $("lang").addEventListener("click", function () {
      lang = lang === "th" ? "en" : "th"; localStorage.setItem("eplan.lang", lang); applyLanguage();
    });
    $("login-form").addEventListener("submit", login);
    $("logout").addEventListener("click", logout);
    $("lao-select").addEventListener("change", function () { resetDraft(); loadMap($("lao-select").value); });
    $("project").addEventListener("change", function () { chooseProject($("project").value); });
    Array.prototype.forEach.call(document.querySelectorAll("input[name=mode]"), function (r) {
      r.addEventListener("change", function () { drawDraft(); askFromVertices(); });
    });
    $("undo").addEventListener("click", function () { state.vertices.pop(); drawDraft(); askFromVertices(); });
    $("clear").addEventListener("click", resetDraft);
    $("save").addEventListener("click", save);
    $("check").addEventListener("click", checkTyped);
    applyLanguage();
    if (typeof L === "undefined") { notice(t("noLeaflet"), true); }
    if (sessionStorage.getItem("eplan.csrf") && location.pathname !== "/login" && typeof L !== "undefined") { loadMap(null); } else { showLogin(""); }
  }

  start();
})();
"""##
}
