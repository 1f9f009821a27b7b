/* Candor draft editor: the letter formatted (ProseMirror), stored as Markdown, with live findings.
 *
 * - The form's <textarea id="letter-text"> holds the Markdown that is saved and checked. Without
 *   JavaScript it is the editor; with it, it is the "Markdown source" view, and the formatted editor
 *   keeps it in step on every change (markdown_doc.js: lossless for unchanged blocks).
 * - Findings come from POST /api/v1/checks ≈ debounceMs after typing stops. Each becomes an inline
 *   decoration on its exact span; decorations are mapped through every edit, so underlines stay on
 *   their words until the fresh result replaces them.
 * - Cards: what and why, the rule's source, Accept (applies the rule's rewrite, re-checks at once),
 *   Dismiss (hidden for this user on this saved version, kept in localStorage), Waive (recorded on
 *   the server with a reason). Keys: Alt+↓ / Alt+↑ next / previous finding, Alt+Enter accept,
 *   Alt+Backspace dismiss.
 * - Offsets: the check API reports code points; JavaScript strings index UTF-16 code units.
 *
 * Letter text is untrusted: it only ever enters the page as DOM text (never innerHTML). What the
 * editor, comments.js and suggestions.js share (config, CSRF token, el(), the API call, decoration
 * plugins registered in window.CandorEditorPlugins) is editor_panel.js, loaded first; the others
 * use window.CandorEditor once "candor-editor-ready" fires.
 */
(function () {
  "use strict";
  var root = document.getElementById("editor-root");
  var P = window.CandorPanel;
  if (!root || !window.CandorPM || !window.CandorMarkdown || !P || !P.cfg) return;
  var PM = window.CandorPM, MD = window.CandorMarkdown;
  var Decoration = PM.view.Decoration;
  var cfg = P.cfg, el = P.el, csrf = P.csrf;
  var ta = document.getElementById("letter-text");
  var mount = document.getElementById("letter-editor");
  var statusEl = document.getElementById("check-status");
  var panel = document.getElementById("findings-panel");
  var gauge = document.getElementById("readability-gauge");
  var dirtyEl = document.getElementById("dirty-flag");
  var sourceBtn = document.getElementById("source-toggle");
  var savedText = ta.value;
  var GROUPS = [["legal", "Legal"], ["empathy", "Empathy"], ["readability", "Readability"], ["facts", "Facts"], ["grammar", "Grammar"], ["other", "Other"]];
  var CHECK_GROUP = { legal: "legal", conditional: "legal", phrases: "empathy", substitution: "empathy", empathy: "empathy",
    readability: "readability", facts: "facts", grammar: "grammar" };
  // Dismissals are per user and per saved version: another user of this browser, or the next
  // version, sees every finding again.
  var DISMISS_KEY = "candor:dismissed:u" + cfg.userId + ":d" + cfg.draftId + ":v" + cfg.version;
  var timer = null, seq = 0, items = [], activeId = null, sourceMode = false, view = null;
  var current = { text: ta.value, map: null };
  var editable = !!cfg.canEdit;
  var listeners = [];

  // ---- offsets ---------------------------------------------------------------------------------
  /** Map code-point index -> UTF-16 index for `text` (array of length codepoints + 1). */
  function codePointToUtf16(text) {
    var map = [0], u = 0;
    for (var ch of text) { u += ch.length; map.push(u); }
    return map;
  }
  function utf16ToCodePoint(text, i) { return Array.from(text.slice(0, i)).length; }
  window.candorCodePointToUtf16 = codePointToUtf16;

  function setStatus(msg) { statusEl.textContent = msg; }
  function currentText() { return sourceMode ? ta.value : current.text; }

  // ---- findings as decorations, mapped through edits ------------------------------------------
  var marks = P.decorations("findings", {
    handleClick: function (v, pos) {
      var hit = marks.get(v.state).find(pos, pos);
      if (hit.length) {
        activate(hit[0].spec.id, false);
        P.reveal(panel.querySelector(".finding.active")); // on a tablet the card is in the closed sheet
      }
      return false;
    },
  });
  function findingDeco(id) {
    if (!view) return null;
    var hit = marks.get(view.state).find(undefined, undefined, function (spec) { return spec.id === id; });
    return hit.length ? hit[0] : null;
  }

  // ---- the ProseMirror view ---------------------------------------------------------------------
  var cmd = PM.commands, list = PM.schemaList, S = MD.schema;
  function toggleHeading(state, dispatch) {
    var $from = state.selection.$from, isHeading = $from.parent.type === S.nodes.heading;
    return cmd.setBlockType(isHeading ? S.nodes.paragraph : S.nodes.heading, isHeading ? null : { level: 2 })(state, dispatch);
  }
  var keys = {
    "Mod-z": PM.history.undo, "Mod-y": PM.history.redo, "Shift-Mod-z": PM.history.redo,
    "Mod-b": cmd.toggleMark(S.marks.strong), "Mod-B": cmd.toggleMark(S.marks.strong),
    "Shift-Enter": cmd.chainCommands(cmd.exitCode, function (state, dispatch) {
      if (dispatch) dispatch(state.tr.replaceSelectionWith(S.nodes.hard_break.create()).scrollIntoView());
      return true;
    }),
    "Enter": list.splitListItem(S.nodes.list_item),
    "Mod-[": list.liftListItem(S.nodes.list_item),
    "Mod-Alt-2": toggleHeading,
  };
  var TOOLS = {
    bold: cmd.toggleMark(S.marks.strong),
    heading: toggleHeading,
    bullets: list.wrapInList(S.nodes.bullet_list),
    numbers: list.wrapInList(S.nodes.ordered_list),
    lift: list.liftListItem(S.nodes.list_item),
    undo: PM.history.undo,
    redo: PM.history.redo,
  };

  function makeState(text) {
    var parsed = MD.parse(text);
    return PM.state.EditorState.create({
      doc: parsed.doc,
      plugins: [PM.history.history(), PM.keymap.keymap(keys), PM.keymap.keymap(cmd.baseKeymap)]
        .concat(window.CandorEditorPlugins || []),
    });
  }

  function syncFromDoc(doc) {
    var out = MD.serialize(doc);
    current.map = out.map;
    current.text = out.text;
    ta.value = out.text;
  }

  function startView() {
    var state = makeState(ta.value);
    var out = MD.serialize(state.doc);
    current.map = out.map;
    current.text = out.text;
    if (out.text !== ta.value && window.console) console.warn("Candor editor: this letter does not round-trip exactly; it is saved as the editor writes it.");
    view = new PM.view.EditorView(mount, {
      state: state,
      attributes: { "class": "letter-doc", role: "textbox", "aria-multiline": "true", "aria-label": "Letter text (formatted)",
        "aria-describedby": "check-status", spellcheck: "true" },
      editable: function () { return editable; },
      dispatchTransaction: function (tr) {
        var next = view.state.apply(tr);
        view.updateState(next);
        if (tr.docChanged) { syncFromDoc(next.doc); onChange(); }
        updateToolbar();
        listeners.forEach(function (fn) { fn(tr); });
      },
    });
  }

  function updateToolbar() {
    document.querySelectorAll("[data-tool]").forEach(function (b) {
      var fn = TOOLS[b.getAttribute("data-tool")];
      b.disabled = sourceMode || !editable || !fn || !fn(view.state);
    });
    var bold = document.querySelector("[data-tool=bold]");
    if (bold && view) {
      var st = view.state, marks = st.storedMarks || st.selection.$from.marks();
      bold.setAttribute("aria-pressed", S.marks.strong.isInSet(marks) || (!st.selection.empty && st.doc.rangeHasMark(st.selection.from, st.selection.to, S.marks.strong)) ? "true" : "false");
    }
  }

  function setSource(on) {
    if (on === sourceMode) return;
    sourceMode = on;
    if (on) {
      ta.value = current.text;
    } else {
      view.updateState(makeState(ta.value));
      syncFromDoc(view.state.doc);
    }
    ta.hidden = !on;
    mount.hidden = on;
    sourceBtn.setAttribute("aria-pressed", on ? "true" : "false");
    sourceBtn.textContent = on ? "Formatted view" : "Markdown source";
    updateToolbar();
    (on ? ta : view).focus();
    runCheck();
  }

  // ---- the findings panel ------------------------------------------------------------------------
  function groupOf(f) {
    var prefix = (f.rule || "").split(".")[0];
    for (var i = 0; i < GROUPS.length; i++) if (GROUPS[i][0] === prefix) return prefix;
    return CHECK_GROUP[f.check] || "other";
  }
  function dismissed() {
    try { return JSON.parse(localStorage.getItem(DISMISS_KEY) || "[]"); } catch (e) { return []; }
  }
  function setDismissed(list) { try { localStorage.setItem(DISMISS_KEY, JSON.stringify(list)); } catch (e) { /* private mode */ } }

  function selectItem(item, focusEditor) {
    if (item.s === undefined) return;
    if (sourceMode) { ta.focus(); ta.setSelectionRange(item.s, item.e); return; }
    var deco = findingDeco(item.id);
    var range = deco ? { from: deco.from, to: deco.to } : current.map.range(item.s, item.e);
    if (!range) return;
    var sel = PM.state.TextSelection.create(view.state.doc, range.from, range.to);
    view.dispatch(view.state.tr.setSelection(sel).scrollIntoView());
    if (focusEditor) view.focus();
    var dom = view.domAtPos(range.from);
    var node = dom.node.nodeType === 3 ? dom.node.parentNode : dom.node;
    if (node && node.scrollIntoView) node.scrollIntoView({ block: "center" });
  }

  function activate(id, focusEditor) {
    activeId = id;
    panel.querySelectorAll(".finding").forEach(function (li) { li.classList.toggle("active", li.getAttribute("data-finding-id") === id); });
    var card = panel.querySelector('.finding[data-finding-id="' + CSS.escape(id) + '"]');
    if (card) card.scrollIntoView({ block: "nearest" });
    var item = items.find(function (x) { return x.id === id; });
    if (item) selectItem(item, focusEditor);
  }

  function accept(item) {
    if (!cfg.canEdit || !item.f.suggestion || item.s === undefined) return;
    if (sourceMode) {
      ta.value = ta.value.slice(0, item.s) + item.f.suggestion + ta.value.slice(item.e);
      onChange();
    } else {
      var deco = findingDeco(item.id);
      var range = deco ? { from: deco.from, to: deco.to } : current.map.range(item.s, item.e);
      if (!range) return;
      view.dispatch(view.state.tr.insertText(item.f.suggestion, range.from, range.to).scrollIntoView());
    }
    setStatus("Applied \u201c" + item.f.suggestion + "\u201d. Checking\u2026");
    runCheck();
  }

  function dismiss(item) {
    var list = dismissed();
    if (list.indexOf(item.key) < 0) list.push(item.key);
    setDismissed(list);
    rerender();
  }

  function waiveForm(f) {
    var details = el("details");
    details.appendChild(el("summary", null, "Waive (recorded, with a reason)"));
    if (!cfg.waiveUrl) { details.appendChild(el("p", null, "Your role cannot waive findings.")); return details; }
    var form = el("form", { method: "post", action: cfg.waiveUrl, "class": "waive-form" });
    form.appendChild(el("input", { type: "hidden", name: "csrf_token", value: csrf }));
    form.appendChild(el("input", { type: "hidden", name: "finding_id", value: f.id }));
    form.appendChild(el("input", { type: "hidden", name: "rule", value: f.rule }));
    form.appendChild(el("input", { type: "hidden", name: "version", value: String(cfg.version) }));
    var rid = "waive-" + f.id.replace(/[^A-Za-z0-9_-]/g, "_");
    form.appendChild(el("label", { "for": rid }, "Reason (recorded)"));
    form.appendChild(el("input", { type: "text", id: rid, name: "reason", required: "required", minlength: "5" }));
    form.appendChild(el("button", { type: "submit", "class": "secondary" }, "Waive"));
    form.addEventListener("submit", function (ev) {
      if (ta.value !== savedText) { ev.preventDefault(); setStatus("Save your changes first: waivers apply to a saved version."); }
    });
    details.appendChild(form);
    return details;
  }

  var lastReport = null, lastText = null;
  function rerender() { if (lastReport) renderPanel(lastReport, lastText); }

  function buildItems(report, text) {
    var u16 = codePointToUtf16(text), waived = cfg.waivers || {}, unchanged = text === savedText, savedIds = {};
    var hidden = dismissed();
    (cfg.savedFindings || []).forEach(function (s) { savedIds[s.rule + "|" + s.start + "|" + s.end] = s.id; });
    var seen = {};
    return (report.findings || []).map(function (f, i) {
      // Waivers name the saved version's finding ids; live findings on the saved text get them.
      if (!f.id && unchanged) f.id = savedIds[f.rule + "|" + f.start + "|" + f.end] || "";
      var item = { f: f, id: f.id || ("f" + i), waived: !!(f.waived || waived[f.id]), reason: f.waiver_reason || waived[f.id] || null };
      if (f.start !== null && f.start !== undefined && f.end !== null && f.end !== undefined && f.end < u16.length) {
        item.s = u16[f.start];
        item.e = u16[f.end];
      }
      // Dismissal key: the rule, the words and which occurrence of them (stable across edits elsewhere).
      var base = f.rule + "|" + (item.s !== undefined ? text.slice(item.s, item.e) : f.message);
      seen[base] = (seen[base] || 0) + 1;
      item.key = base + "|" + seen[base];
      item.dismissed = hidden.indexOf(item.key) >= 0;
      item.open = !item.waived && !item.dismissed;
      return item;
    });
  }

  function decorate(text) {
    if (sourceMode || !view || text !== current.text) return;
    var rank = { error: 2, warning: 1, suggestion: 0 };
    var decos = [];
    items.slice().sort(function (a, b) { return rank[a.f.severity] - rank[b.f.severity]; }).forEach(function (item) {
      if (!item.open || item.s === undefined) return;
      var r = current.map.range(item.s, item.e);
      if (!r) return;
      decos.push(Decoration.inline(r.from, r.to, { "class": "finding-mark sev-" + item.f.severity, "data-finding": item.id }, { id: item.id }));
    });
    marks.replace(view, decos);
  }

  function card(item, text) {
    var f = item.f;
    var li = el("li", { "class": "finding sev-" + f.severity + (item.waived ? " waived" : "") + (item.dismissed ? " dismissed" : ""),
      "data-rule": f.rule, "data-finding-id": item.id });
    var btn = el("button", { type: "button", "class": "select-span" });
    btn.appendChild(el("span", { "class": "sev" }, item.waived ? "waived" : f.severity));
    btn.appendChild(document.createTextNode(" "));
    btn.appendChild(el("span", { "class": "msg" }, f.message));
    if (item.s !== undefined) {
      btn.setAttribute("aria-label", f.severity + ": " + f.message + " (select the text: \u201c" + text.slice(item.s, item.e).slice(0, 60) + "\u201d)");
      btn.addEventListener("click", function () { activate(item.id, true); });
    } else {
      btn.setAttribute("aria-label", f.severity + ": " + f.message + " (applies to the whole letter)");
    }
    li.appendChild(btn);
    if (f.suggestion && item.open) li.appendChild(el("p", { "class": "fix" }, "Rewrite: \u201c" + f.suggestion + "\u201d"));
    if (item.waived) li.appendChild(el("p", { "class": "fix" }, "Waived: " + (item.reason || "")));
    var src = el("p", { "class": "rule-source" });
    src.appendChild(el("span", { "class": "rule-id" }, f.rule));
    if (f.source) src.appendChild(document.createTextNode(" \u2014 " + f.source));
    li.appendChild(src);
    if (item.open) {
      var actions = el("div", { "class": "finding-actions" });
      if (f.suggestion && item.s !== undefined && cfg.canEdit) {
        var acc = el("button", { type: "button", "class": "accept", "aria-keyshortcuts": "Alt+Enter" }, "Accept");
        acc.addEventListener("click", function () { accept(item); });
        actions.appendChild(acc);
      }
      var dis = el("button", { type: "button", "class": "secondary dismiss", "aria-keyshortcuts": "Alt+Backspace" }, "Dismiss");
      dis.addEventListener("click", function () { dismiss(item); });
      actions.appendChild(dis);
      li.appendChild(actions);
      if (f.id && text === savedText) li.appendChild(waiveForm(f));
    }
    return li;
  }

  function renderPanel(report, text) {
    lastReport = report; lastText = text;
    items = buildItems(report, text);
    decorate(text);
    while (panel.firstChild) panel.removeChild(panel.firstChild);
    var groups = {}, total = 0, hiddenCount = 0;
    GROUPS.forEach(function (g) { groups[g[0]] = []; });
    items.forEach(function (item) { if (item.dismissed) hiddenCount++; else groups[groupOf(item.f)].push(item); });
    GROUPS.forEach(function (g) {
      var list = groups[g[0]];
      if (g[0] === "other" && !list.length) return;
      var section = el("section", { "class": "finding-group", "aria-labelledby": "group-" + g[0], "data-group": g[0] });
      var h = el("h3", { id: "group-" + g[0] });
      h.appendChild(document.createTextNode(g[1] + " "));
      h.appendChild(el("span", { "class": "count" }, String(list.filter(function (x) { return x.open; }).length)));
      section.appendChild(h);
      if (!list.length) {
        section.appendChild(el("p", { "class": "no-findings" }, g[0] === "grammar" && report.grammar && report.grammar.status !== "ok"
          ? "Grammar check " + report.grammar.status + (report.grammar.detail ? ": " + report.grammar.detail : ".")
          : "No findings."));
      } else {
        var ul = el("ul", { "class": "findings" });
        list.forEach(function (item) { total += item.open ? 1 : 0; ul.appendChild(card(item, text)); });
        section.appendChild(ul);
      }
      panel.appendChild(section);
    });
    if (hiddenCount) {
      var p = el("p", { "class": "dismissed-note" }, hiddenCount + " dismissed on v" + cfg.version + " (hidden for you). ");
      var restore = el("button", { type: "button", "class": "link-button" }, "Show them again");
      restore.addEventListener("click", function () { setDismissed([]); rerender(); });
      p.appendChild(restore);
      panel.appendChild(p);
    }
    panel.setAttribute("data-count", String(total));
    if (window.candorSheetCount) window.candorSheetCount(total);
    if (activeId) panel.querySelectorAll(".finding").forEach(function (li) { li.classList.toggle("active", li.getAttribute("data-finding-id") === activeId); });
    renderGauge(report.readability || {});
    setStatus(total === 0 ? "Checked: no open findings." : "Checked: " + total + " open finding" + (total === 1 ? "" : "s") + ".");
    document.dispatchEvent(new CustomEvent("candor-checked", { detail: { count: total } }));
  }

  function renderGauge(r) {
    if (!gauge) return;
    var g = cfg.gauge, value = r[g.metric];
    var meter = gauge.querySelector("meter"), label = gauge.querySelector(".gauge-label");
    if (value === undefined || value === null) { label.textContent = "Readability: not measured."; return; }
    function bound(x) { return (x.op === "max" ? "\u2264 " : "\u2265 ") + x.target; }
    function meets(x, v) { return x.op === "max" ? v <= x.target : v >= x.target; }
    meter.value = Math.max(0, Math.min(g.scale, value));
    meter.setAttribute("aria-valuetext", g.name + " " + value.toFixed(1));
    var verdict = meets(g, value) ? "meets" : (g.op === "max" ? "above" : "below");
    var text = g.name + " " + value.toFixed(1) + " \u2014 target " + bound(g) + " for the " + cfg.tone + " tone (" + verdict + " target)";
    var second = g.second, v2 = second ? r[second.metric] : null;
    if (second && v2 !== undefined && v2 !== null) text += "; " + second.name + " " + v2.toFixed(0) + " (target " + bound(second) + ")";
    label.textContent = text + ".";
    gauge.setAttribute("data-verdict", verdict);
  }

  // ---- checking ----------------------------------------------------------------------------------
  function runCheck() {
    clearTimeout(timer);
    var mySeq = ++seq, text = currentText();
    setStatus("Checking\u2026");
    fetch(cfg.checkUrl, {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "Accept": "application/json", "X-CSRF-Token": csrf },
      body: JSON.stringify({ text: text, facts: cfg.facts, jurisdictions: cfg.jurisdictions, tone: cfg.tone,
        channel: cfg.channel || "letter", language: cfg.language || "en" }),
    }).then(function (res) {
      return res.json().then(function (body) { return { ok: res.ok, body: body }; });
    }).then(function (r) {
      if (mySeq !== seq || currentText() !== text) return; // a newer check is on its way
      if (!r.ok) { setStatus("Check failed: " + ((r.body.error && r.body.error.message) || "unknown error")); return; }
      renderPanel(r.body, text);
    }).catch(function () {
      if (mySeq === seq) setStatus("Check failed: the server could not be reached. Your text is safe; keep typing or save.");
    });
  }

  function onChange() {
    dirtyEl.hidden = currentText() === savedText;
    clearTimeout(timer);
    timer = setTimeout(runCheck, cfg.debounceMs || 150);
  }

  // ---- keyboard: next / previous / accept / dismiss ---------------------------------------------
  function openItems() {
    return items.filter(function (x) { return x.open && x.s !== undefined; }).sort(function (a, b) { return a.s - b.s || a.e - b.e; });
  }
  document.addEventListener("keydown", function (ev) {
    if (!ev.altKey || ev.ctrlKey || ev.metaKey) return;
    var list = openItems(), idx = list.findIndex(function (x) { return x.id === activeId; });
    var item = idx >= 0 ? list[idx] : null;
    if (ev.key === "ArrowDown" || ev.key === "ArrowUp") {
      if (!list.length) return;
      var step = ev.key === "ArrowDown" ? 1 : -1;
      var next = idx < 0 ? (step > 0 ? 0 : list.length - 1) : (idx + step + list.length) % list.length;
      activate(list[next].id, true);
    } else if (ev.key === "Enter" && item) {
      accept(item);
    } else if (ev.key === "Backspace" && item) {
      dismiss(item);
      var rest = openItems();
      if (rest.length) activate(rest[Math.min(idx, rest.length - 1)].id, true); else activeId = null;
    } else {
      return;
    }
    ev.preventDefault();
    ev.stopPropagation();
  }, true);

  // ---- wiring ------------------------------------------------------------------------------------
  startView();
  ta.hidden = true;
  mount.hidden = false;
  document.getElementById("editor-toolbar-format").hidden = false;
  sourceBtn.addEventListener("click", function () { setSource(!sourceMode); });
  document.querySelectorAll("[data-tool]").forEach(function (b) {
    b.addEventListener("mousedown", function (ev) { ev.preventDefault(); }); // keep the editor's selection
    b.addEventListener("click", function () {
      var fn = TOOLS[b.getAttribute("data-tool")];
      if (fn && !sourceMode) { fn(view.state, view.dispatch); view.focus(); }
    });
  });
  ta.addEventListener("input", function () { if (sourceMode) onChange(); });
  window.addEventListener("beforeunload", function (ev) {
    if (currentText() !== savedText && !window.candorSubmitting) { ev.preventDefault(); ev.returnValue = ""; }
  });
  document.querySelectorAll("form").forEach(function (f) { f.addEventListener("submit", function () { window.candorSubmitting = true; }); });
  document.getElementById("save-form").addEventListener("submit", function () { if (!sourceMode) ta.value = current.text; });
  updateToolbar();

  window.CandorEditor = {
    view: function () { return view; },
    isSource: function () { return sourceMode; },
    text: currentText,
    savedText: function () { return savedText; },
    /** The selection as a Markdown range in code points (what the server stores), with its text. */
    selection: function () {
      var text = currentText(), s, e;
      if (sourceMode) { s = ta.selectionStart; e = ta.selectionEnd; }
      else { var r = current.map.mdRange(view.state.selection.from, view.state.selection.to); s = r.start; e = r.end; }
      return { start: utf16ToCodePoint(text, s), end: utf16ToCodePoint(text, e), quote: text.slice(s, e) };
    },
    /** Document range of a Markdown range given in code points (null when it covers no text). */
    docRange: function (start, end) {
      if (sourceMode || !current.map) return null;
      var u16 = codePointToUtf16(current.text);
      if (end >= u16.length) return null;
      return current.map.range(u16[start], u16[end]);
    },
    onUpdate: function (fn) { listeners.push(fn); },
    /** Let the user type (suggesting mode gives every reviewer an editable letter). */
    setEditable: function (on) { editable = on; view.setProps({}); updateToolbar(); },
    /** Back to the saved text (discarding unsaved edits or unsent suggestions). */
    reset: function () {
      if (sourceMode) setSource(false);
      view.updateState(makeState(savedText));
      syncFromDoc(view.state.doc);
      onChange();
    },
    recheck: runCheck,
    codePointToUtf16: codePointToUtf16,
  };
  document.dispatchEvent(new CustomEvent("candor-editor-ready"));
  runCheck();
})();
