/* Suggestions (track changes) in the draft editor (API: /api/v1/drafts/{id}/suggestions).
 *
 * "Suggest edits" switches the editor to suggesting: the reviewer edits as usual, and "Send as
 * suggestions" stores the difference from the saved version as suggestions (one per changed
 * stretch) instead of saving a version. Open suggestions show in the letter as proposed deletions
 * (struck through) and insertions (underlined), each with its author; the draft's editors accept or
 * reject each one, or all: accepting saves the next version, rejecting leaves the text as it is.
 * All text enters the page as DOM text.
 */
(function () {
  "use strict";
  var PM = window.CandorPM, P = window.CandorPanel;
  var panel = document.getElementById("suggestions-panel");
  if (!PM || !P || !P.cfg || !panel) return;
  var cfg = P.cfg, el = P.el, api = P.api(cfg.suggestionsUrl);
  // Clicking marked words shows their suggestion in the panel (on a tablet: opens the side sheet on it).
  var marks = P.decorations("suggestions", null, "data-suggestion-id");
  var Decoration = PM.view.Decoration;

  var list = document.getElementById("suggestion-list");
  var statusEl = document.getElementById("suggestion-status");
  var countEl = document.getElementById("suggestion-count");
  var toggle = document.getElementById("suggest-toggle");
  var bar = document.getElementById("suggest-bar");
  var saveBar = document.querySelector(".save-bar");
  var E = null, items = [], suggesting = false;

  function say(msg) { statusEl.textContent = msg; }
  function reloadWith(msg) {
    window.candorSubmitting = true;
    location.href = "/drafts/" + cfg.draftId + "?flash=" + encodeURIComponent(msg);
  }

  function insertionWidget(s) {
    return function () {
      var span = el("ins", { "class": "sugg-ins", title: "Suggested by " + s.author + " (" + s.role + ")", "data-suggestion": String(s.id) }, s.replacement);
      return span;
    };
  }

  function decorate() {
    var view = E && E.view();
    if (!view) return;
    var decos = [];
    if (!suggesting && E.text() === E.savedText()) {
      items.forEach(function (s) {
        if (s.stale || s.start === null) return;
        var r = s.end > s.start ? E.docRange(s.start, s.end) : null;
        var at = r ? r.to : (E.docRange(s.start, s.start + 1) || { from: null }).from;
        if (r) decos.push(Decoration.inline(r.from, r.to, { "class": "sugg-del", title: "Deletion suggested by " + s.author + " (" + s.role + ")" }, { id: s.id }));
        if (s.replacement && at !== null && at !== undefined) decos.push(Decoration.widget(at, insertionWidget(s), { side: 1, id: s.id, key: "ins-" + s.id }));
      });
    }
    marks.replace(view, decos);
  }

  function describe(s) {
    if (!s.original) return "insert \u201c" + s.replacement + "\u201d";
    if (!s.replacement) return "delete \u201c" + s.original + "\u201d";
    return "replace \u201c" + s.original + "\u201d with \u201c" + s.replacement + "\u201d";
  }

  function item(s) {
    var li = el("li", { "class": "suggestion" + (s.stale ? " stale" : ""), "data-testid": "suggestion", "data-suggestion-id": String(s.id) });
    li.appendChild(el("p", { "class": "suggestion-what" }, s.author + " (" + s.role + ") suggests: " + describe(s)));
    if (s.stale) li.appendChild(el("p", { "class": "muted" }, "The words it changes were edited since; it can only be rejected."));
    if (cfg.canDecide) {
      var actions = el("div", { "class": "finding-actions" });
      if (!s.stale) {
        var acc = el("button", { type: "button", "class": "accept" }, "Accept");
        acc.addEventListener("click", function () { decide("/" + s.id + "/accept"); });
        actions.appendChild(acc);
      }
      var rej = el("button", { type: "button", "class": "secondary reject" }, "Reject");
      rej.addEventListener("click", function () {
        api("POST", "/" + s.id + "/reject").then(function () { say("Suggestion rejected; the text is unchanged."); load(); })
          .catch(function (e) { say(e.message); });
      });
      actions.appendChild(rej);
      li.appendChild(actions);
    }
    return li;
  }

  function decide(path, body) {
    if (E.text() !== E.savedText()) { say("Save or undo your own changes first."); return; }
    api("POST", path, body || null).then(function (r) {
      var msg = "Accepted: saved as v" + r.version + ".";
      if (r.skipped && r.skipped.length) msg += " " + r.skipped.length + " could not be applied and stay open.";
      reloadWith(msg);
    }).catch(function (e) { say(e.message); });
  }

  function render() {
    while (list.firstChild) list.removeChild(list.firstChild);
    items.forEach(function (s) { list.appendChild(item(s)); });
    if (!items.length) list.appendChild(el("li", { "class": "muted" }, "No open suggestions."));
    countEl.textContent = String(items.length);
    if (window.candorSheetCount) window.candorSheetCount(items.length, "suggestion");
    document.getElementById("accept-all").hidden = !(cfg.canDecide && items.length > 1);
    document.getElementById("reject-all").hidden = !(cfg.canDecide && items.length > 1);
    decorate();
  }

  function load() {
    return api("GET", "").then(function (b) { items = b; render(); })
      .catch(function (e) { say("Suggestions could not be loaded: " + e.message); });
  }

  function setSuggesting(on) {
    if (on && E.text() !== E.savedText()) { say("Save or undo your changes first: suggestions are made on the saved version."); P.reveal(statusEl); return; }
    suggesting = on;
    toggle.setAttribute("aria-pressed", on ? "true" : "false");
    toggle.textContent = on ? "Stop suggesting" : "Suggest edits";
    bar.hidden = !on;
    if (saveBar) saveBar.hidden = on;
    document.body.classList.toggle("suggesting", on);
    if (on) E.setEditable(true); else E.setEditable(!!cfg.canEdit);
    say(on ? "Suggesting: your edits are sent as suggestions, not saved." : "");
    decorate();
  }

  document.getElementById("send-suggestions").addEventListener("click", function () {
    if (E.text() === E.savedText()) { say("Nothing to send: edit the letter first."); P.reveal(statusEl); return; }
    api("POST", "", { version: cfg.version, text: E.text() }).then(function (made) {
      reloadWith("Sent " + made.length + " suggestion" + (made.length === 1 ? "" : "s") + " for the editor to accept or reject.");
    }).catch(function (e) { say(e.message); P.reveal(statusEl); });
  });
  document.getElementById("discard-suggestions").addEventListener("click", function () {
    E.reset();
    setSuggesting(false);
  });
  document.getElementById("accept-all").addEventListener("click", function () { decide("/accept", {}); });
  document.getElementById("reject-all").addEventListener("click", function () {
    var ids = items.map(function (s) { return s.id; });
    ids.reduce(function (p, id) { return p.then(function () { return api("POST", "/" + id + "/reject"); }); }, Promise.resolve())
      .then(function () { say("Rejected " + ids.length + " suggestions; the text is unchanged."); load(); })
      .catch(function (e) { say(e.message); load(); });
  });

  document.addEventListener("candor-editor-ready", function () {
    E = window.CandorEditor;
    panel.hidden = false;
    toggle.hidden = false;
    toggle.addEventListener("click", function () { setSuggesting(!suggesting); });
    E.onUpdate(function (tr) { if (tr.docChanged && !suggesting && E.text() === E.savedText()) decorate(); });
    load();
  });
})();
