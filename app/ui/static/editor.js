/* Candor draft editor: live findings over a plain <textarea>.
 *
 * Technique: a <pre> mirror sits behind a transparent textarea with the same font and wrapping;
 * the mirror holds the same text (transparent) with <mark> elements where findings are, so the
 * highlight shows through. All text goes in as DOM text nodes (never innerHTML): letter text is
 * untrusted and stays inert.
 *
 * Offsets: the check API reports Python character offsets (code points); JavaScript strings
 * index UTF-16 code units. `codePointToUtf16` converts, so emoji and other astral characters
 * before a finding do not shift its highlight.
 *
 * Configuration comes from <script type="application/json" id="editor-config"> (see editor.html).
 */
(function () {
  "use strict";
  var root = document.getElementById("editor-root");
  if (!root) return;
  var cfg = JSON.parse(document.getElementById("editor-config").textContent);
  var ta = document.getElementById("letter-text");
  var mirror = document.getElementById("letter-mirror");
  var statusEl = document.getElementById("check-status");
  var panel = document.getElementById("findings-panel");
  var gauge = document.getElementById("readability-gauge");
  var dirtyEl = document.getElementById("dirty-flag");
  var csrf = (document.querySelector('meta[name="csrf-token"]') || {}).content || "";
  var savedText = ta.value;
  var GROUPS = [["legal", "Legal"], ["empathy", "Empathy"], ["readability", "Readability"], ["facts", "Facts"], ["grammar", "Grammar"], ["other", "Other"]];
  var CHECK_GROUP = { legal: "legal", conditional: "legal", phrases: "empathy", substitution: "empathy", empathy: "empathy",
    readability: "readability", facts: "facts", grammar: "grammar" };
  var timer = null, seq = 0, lastSpans = [], lastText = null;

  /** Map code-point index -> UTF-16 index for `text` (array of length codepoints + 1). */
  function codePointToUtf16(text) {
    var map = [0], u = 0;
    for (var ch of text) { u += ch.length; map.push(u); }
    return map;
  }
  window.candorCodePointToUtf16 = codePointToUtf16;

  function groupOf(f) {
    var prefix = (f.rule || "").split(".")[0];
    for (var i = 0; i < GROUPS.length; i++) if (GROUPS[i][0] === prefix) return prefix;
    return CHECK_GROUP[f.check] || "other";
  }

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    if (attrs) for (var k in attrs) if (attrs[k] !== null && attrs[k] !== undefined) node.setAttribute(k, attrs[k]);
    if (text !== undefined && text !== null) node.textContent = text;
    return node;
  }

  function setStatus(msg) { statusEl.textContent = msg; }

  function autoResize() {
    ta.style.height = "auto";
    ta.style.height = Math.max(ta.scrollHeight, 448) + "px";
  }

  /** Rebuild the mirror: text nodes, plus <mark> for each segment covered by a finding span. */
  function paintMirror(text, spans) {
    while (mirror.firstChild) mirror.removeChild(mirror.firstChild);
    var cuts = new Set([0, text.length]);
    spans.forEach(function (s) { cuts.add(s.s); cuts.add(s.e); });
    var points = Array.from(cuts).filter(function (n) { return n >= 0 && n <= text.length; }).sort(function (a, b) { return a - b; });
    var rank = { error: 2, warning: 1, suggestion: 0 };
    for (var i = 0; i < points.length - 1; i++) {
      var a = points[i], b = points[i + 1];
      if (a === b) continue;
      var covering = spans.filter(function (s) { return s.s <= a && s.e >= b; });
      var piece = text.slice(a, b);
      if (!covering.length) { mirror.appendChild(document.createTextNode(piece)); continue; }
      var worst = covering.reduce(function (w, s) { return rank[s.sev] > rank[w.sev] ? s : w; });
      var mark = el("mark", { "class": "sev-" + worst.sev, "data-finding": covering.map(function (s) { return s.id; }).join(" ") }, piece);
      mirror.appendChild(mark);
    }
    mirror.appendChild(document.createTextNode("\n ")); // keep a trailing newline's height
  }

  function selectSpan(s) {
    ta.focus();
    ta.setSelectionRange(s.s, s.e);
    // Scroll the selection into view: the textarea grows with its content, so scroll the page.
    var marks = mirror.querySelectorAll("mark");
    marks.forEach(function (m) { m.classList.remove("active"); });
    var target = Array.prototype.find.call(marks, function (m) { return (m.getAttribute("data-finding") || "").split(" ").indexOf(s.id) >= 0; });
    if (target) {
      target.classList.add("active");
      // Scroll the page, never the mirror itself (a scrolled mirror would drift from the textarea).
      var rect = target.getBoundingClientRect();
      window.scrollTo({ top: window.scrollY + rect.top - window.innerHeight / 2 });
    }
    mirror.scrollTop = 0;
    mirror.scrollLeft = 0;
  }

  function waiveForm(f) {
    var details = el("details");
    details.appendChild(el("summary", null, "Waive this finding"));
    if (!cfg.waiveUrl) { details.appendChild(el("p", null, "Your role cannot waive findings.")); return details; }
    var form = el("form", { method: "post", action: cfg.waiveUrl, "class": "waive-form" });
    form.appendChild(el("input", { type: "hidden", name: "csrf_token", value: csrf }));
    form.appendChild(el("input", { type: "hidden", name: "finding_id", value: f.id }));
    form.appendChild(el("input", { type: "hidden", name: "rule", value: f.rule }));
    form.appendChild(el("input", { type: "hidden", name: "version", value: String(cfg.version) }));
    var rid = "waive-" + f.id.replace(/[^A-Za-z0-9_-]/g, "_");
    form.appendChild(el("label", { "for": rid }, "Reason (recorded)"));
    form.appendChild(el("input", { type: "text", id: rid, name: "reason", required: "required", minlength: "5" }));
    var btn = el("button", { type: "submit", "class": "secondary" }, "Waive");
    form.appendChild(btn);
    form.addEventListener("submit", function (ev) {
      if (ta.value !== savedText) {
        ev.preventDefault();
        setStatus("Save your changes first: waivers apply to a saved version.");
      }
    });
    details.appendChild(form);
    return details;
  }

  function renderPanel(report, text) {
    var u16 = codePointToUtf16(text);
    var waived = cfg.waivers || {};
    var spans = [];
    var groups = {};
    GROUPS.forEach(function (g) { groups[g[0]] = []; });
    var unchanged = text === savedText;
    var savedIds = {};
    (cfg.savedFindings || []).forEach(function (s) { savedIds[s.rule + "|" + s.start + "|" + s.end] = s.id; });
    (report.findings || []).forEach(function (f, i) {
      // Waivers name the saved version's finding ids; live findings on the saved text get them.
      if (!f.id && unchanged) f.id = savedIds[f.rule + "|" + f.start + "|" + f.end] || "";
      var fid = f.id || ("f" + i);
      var w = waived[fid];
      var item = { f: f, id: fid, waived: !!(f.waived || w), reason: f.waiver_reason || w || null };
      if (f.start !== null && f.start !== undefined && f.end !== null && f.end !== undefined && f.end <= text.length * 2) {
        item.s = u16[Math.min(f.start, u16.length - 1)];
        item.e = u16[Math.min(f.end, u16.length - 1)];
        if (!item.waived) spans.push({ s: item.s, e: item.e, sev: f.severity, id: fid });
      }
      groups[groupOf(f)].push(item);
    });
    lastSpans = spans;
    paintMirror(text, spans);

    while (panel.firstChild) panel.removeChild(panel.firstChild);
    var total = 0;
    GROUPS.forEach(function (g) {
      var items = groups[g[0]];
      if (g[0] === "other" && !items.length) return;
      var section = el("section", { "class": "finding-group", "aria-labelledby": "group-" + g[0], "data-group": g[0] });
      var h = el("h3", { id: "group-" + g[0] });
      h.appendChild(document.createTextNode(g[1] + " "));
      h.appendChild(el("span", { "class": "count" }, String(items.filter(function (x) { return !x.waived; }).length)));
      section.appendChild(h);
      if (!items.length) {
        section.appendChild(el("p", { "class": "no-findings" }, g[0] === "grammar" && report.grammar && report.grammar.status !== "ok"
          ? "Grammar check " + report.grammar.status + (report.grammar.detail ? ": " + report.grammar.detail : ".")
          : "No findings."));
      } else {
        var ul = el("ul", { "class": "findings" });
        items.forEach(function (item) {
          var f = item.f;
          total += item.waived ? 0 : 1;
          var li = el("li", { "class": "finding sev-" + f.severity + (item.waived ? " waived" : ""), "data-rule": f.rule, "data-finding-id": item.id });
          var btn = el("button", { type: "button", "class": "select-span" });
          btn.appendChild(el("span", { "class": "sev" }, item.waived ? "waived" : f.severity));
          btn.appendChild(document.createTextNode(" "));
          btn.appendChild(el("span", { "class": "msg" }, f.message));
          if (item.s !== undefined) {
            btn.setAttribute("aria-label", f.severity + ": " + f.message + " (select the text: \u201c" + text.slice(item.s, item.e).slice(0, 60) + "\u201d)");
            btn.addEventListener("click", function () { selectSpan({ s: item.s, e: item.e, id: item.id }); });
          } else {
            btn.setAttribute("aria-label", f.severity + ": " + f.message + " (applies to the whole letter)");
          }
          li.appendChild(btn);
          if (f.suggestion) li.appendChild(el("p", { "class": "fix" }, "Try: \u201c" + f.suggestion + "\u201d"));
          if (item.waived) li.appendChild(el("p", { "class": "fix" }, "Waived: " + (item.reason || "")));
          li.appendChild(el("span", { "class": "rule-id" }, f.rule));
          if (!item.waived && f.id && unchanged) li.appendChild(waiveForm(f));
          ul.appendChild(li);
        });
        section.appendChild(ul);
      }
      panel.appendChild(section);
    });
    panel.setAttribute("data-count", String(total));
    renderGauge(report.readability || {});
    setStatus(total === 0 ? "Checked: no open findings." : "Checked: " + total + " open finding" + (total === 1 ? "" : "s") + ".");
  }

  function renderGauge(r) {
    if (!gauge) return;
    var grade = r.flesch_kincaid_grade, ease = r.flesch_reading_ease;
    var meter = gauge.querySelector("meter");
    var label = gauge.querySelector(".gauge-label");
    if (grade === undefined || grade === null) { label.textContent = "Readability: not measured."; return; }
    var target = cfg.targets.grade_max;
    meter.value = Math.max(0, Math.min(20, grade));
    meter.setAttribute("aria-valuetext", "grade " + grade.toFixed(1));
    var verdict = grade <= target ? "meets" : "above";
    var text = "Grade " + grade.toFixed(1) + " \u2014 target \u2264 " + target + " for the " + cfg.tone + " tone (" + verdict + " target)";
    if (ease !== undefined && cfg.targets.ease_min !== null) text += "; reading ease " + ease.toFixed(0) + " (target \u2265 " + cfg.targets.ease_min + ")";
    label.textContent = text + ".";
    gauge.setAttribute("data-verdict", verdict);
  }

  function runCheck() {
    var mySeq = ++seq;
    var text = ta.value;
    setStatus("Checking\u2026");
    fetch(cfg.checkUrl, {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "Accept": "application/json", "X-CSRF-Token": csrf },
      body: JSON.stringify({ text: text, facts: cfg.facts, jurisdictions: cfg.jurisdictions, tone: cfg.tone }),
    }).then(function (res) {
      return res.json().then(function (body) { return { ok: res.ok, body: body }; });
    }).then(function (r) {
      if (mySeq !== seq || ta.value !== text) return; // a newer check is on its way
      if (!r.ok) { setStatus("Check failed: " + ((r.body.error && r.body.error.message) || "unknown error")); return; }
      lastText = text;
      renderPanel(r.body, text);
    }).catch(function () {
      if (mySeq === seq) setStatus("Check failed: the server could not be reached. Your text is safe; keep typing or save.");
    });
  }

  function onInput() {
    autoResize();
    // Keep the mirror's text in step at once (highlights may be stale until the next check).
    paintMirror(ta.value, lastText === ta.value ? lastSpans : []);
    dirtyEl.hidden = ta.value === savedText;
    clearTimeout(timer);
    timer = setTimeout(runCheck, cfg.debounceMs || 400);
  }

  ta.addEventListener("input", onInput);
  window.addEventListener("resize", autoResize);
  window.addEventListener("beforeunload", function (ev) {
    if (ta.value !== savedText && !window.candorSubmitting) { ev.preventDefault(); ev.returnValue = ""; }
  });
  document.querySelectorAll("form").forEach(function (f) { f.addEventListener("submit", function () { window.candorSubmitting = true; }); });
  autoResize();
  paintMirror(ta.value, []);
  runCheck();
})();
