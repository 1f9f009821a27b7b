/* Comments on the letter text, in the draft editor's side panel (API: /api/v1/drafts/{id}/comments).
 *
 * Select words, press "Comment", write, post: the comment is anchored to that range of the saved
 * version. Threads show their quote, author and role, replies and a Resolve/Reopen button; their
 * words are highlighted in the editor (a decoration mapped through edits, like the findings).
 * Threads made on an older version are re-anchored by the server; those whose words are gone are
 * listed as orphaned. All text enters the page as DOM text.
 */
(function () {
  "use strict";
  var PM = window.CandorPM, P = window.CandorPanel;
  var panel = document.getElementById("comments-panel");
  if (!PM || !P || !P.cfg || !panel) return;
  var cfg = P.cfg, el = P.el, api = P.api(cfg.commentsUrl);
  // Clicking marked words shows their comment in the panel (on a tablet: opens the side sheet on it).
  var marks = P.decorations("comments", null, "data-comment-id");
  var Decoration = PM.view.Decoration;

  var list = document.getElementById("comment-list");
  var orphans = document.getElementById("orphan-list");
  var orphanBox = document.getElementById("orphans");
  var form = document.getElementById("comment-form");
  var quoteEl = document.getElementById("comment-quote");
  var bodyEl = document.getElementById("comment-body");
  var statusEl = document.getElementById("comment-status");
  var countEl = document.getElementById("comment-count");
  var E = null, pending = null, threads = [];

  function say(msg) { statusEl.textContent = msg; }

  function highlight() {
    var view = E && E.view();
    if (!view) return;
    var decos = [];
    if (E.text() === E.savedText()) {
      threads.forEach(function (t) {
        if (t.orphaned || t.resolved) return;
        var r = E.docRange(t.start, t.end);
        if (r) decos.push(Decoration.inline(r.from, r.to, { "class": "comment-mark", "data-comment": String(t.id) }, { id: t.id }));
      });
    }
    marks.replace(view, decos);
  }

  function byLine(c) { return c.author + " (" + c.role + ")"; }

  function threadItem(t) {
    var li = el("li", { "class": "comment-thread" + (t.resolved ? " resolved" : "") + (t.orphaned ? " orphaned" : ""),
      "data-testid": "comment-thread", "data-comment-id": String(t.id) });
    var q = el("button", { type: "button", "class": "comment-quote", "aria-label": "Show the words: " + t.quote.slice(0, 80) }, "\u201c" + t.quote + "\u201d");
    q.addEventListener("click", function () { select(t); });
    li.appendChild(q);
    if (t.version !== cfg.version) li.appendChild(el("p", { "class": "muted" }, "Made on v" + t.version + (t.orphaned ? "; its words are no longer in the letter." : ".")));
    var thread = el("ol", { "class": "comment-posts" });
    [t].concat(t.replies).forEach(function (c) {
      var post = el("li", { "class": "comment-post" });
      post.appendChild(el("p", { "class": "comment-meta" }, byLine(c) + " \u00b7 " + (c.created_at || "").replace("T", " ")));
      post.appendChild(el("p", { "class": "comment-body" }, c.body));
      thread.appendChild(post);
    });
    li.appendChild(thread);
    if (t.resolved) li.appendChild(el("p", { "class": "muted" }, "Resolved by " + (t.resolved_by || "") + "."));
    var rid = "reply-" + t.id;
    var reply = el("form", { "class": "comment-reply" });
    reply.appendChild(el("label", { "for": rid, "class": "visually-hidden" }, "Reply to this comment"));
    reply.appendChild(el("input", { type: "text", id: rid, name: "body", required: "required", placeholder: "Reply\u2026", maxlength: "4000" }));
    reply.appendChild(el("button", { type: "submit", "class": "secondary" }, "Reply"));
    reply.addEventListener("submit", function (ev) {
      ev.preventDefault();
      var input = reply.querySelector("input");
      api("POST", "/" + t.id + "/replies", { body: input.value }).then(function () { say("Reply posted."); load(); })
        .catch(function (e) { say(e.message); });
    });
    li.appendChild(reply);
    var toggle = el("button", { type: "button", "class": "secondary resolve" }, t.resolved ? "Reopen" : "Resolve");
    toggle.addEventListener("click", function () {
      api("POST", "/" + t.id + (t.resolved ? "/reopen" : "/resolve")).then(function () { say(t.resolved ? "Reopened." : "Resolved."); load(); })
        .catch(function (e) { say(e.message); });
    });
    li.appendChild(toggle);
    return li;
  }

  function render() {
    while (list.firstChild) list.removeChild(list.firstChild);
    while (orphans.firstChild) orphans.removeChild(orphans.firstChild);
    var open = 0, orphaned = 0;
    threads.forEach(function (t) {
      if (t.orphaned) { orphaned++; orphans.appendChild(threadItem(t)); }
      else list.appendChild(threadItem(t));
      if (!t.resolved) open++;
    });
    if (!threads.length) list.appendChild(el("li", { "class": "muted" }, "No comments yet. Select words in the letter and press \u201cComment\u201d."));
    orphanBox.hidden = !orphaned;
    countEl.textContent = String(open);
    if (window.candorSheetCount) window.candorSheetCount(open, "comment");
    highlight();
  }

  function load() {
    return api("GET", "?version=" + cfg.version).then(function (b) { threads = b; render(); })
      .catch(function (e) { say("Comments could not be loaded: " + e.message); });
  }

  function select(t) {
    if (t.orphaned || !E) return;
    var view = E.view(), r = E.docRange(t.start, t.end);
    if (!view || !r || E.text() !== E.savedText()) return;
    view.dispatch(view.state.tr.setSelection(PM.state.TextSelection.create(view.state.doc, r.from, r.to)).scrollIntoView());
    view.focus();
  }

  function startComment() {
    if (E.text() !== E.savedText()) { say("Save your changes first: comments are anchored to a saved version."); P.reveal(statusEl); return; }
    var sel = E.selection();
    if (sel.end <= sel.start) { say("Select the words to comment on first."); P.reveal(statusEl); return; }
    pending = sel;
    quoteEl.textContent = "\u201c" + sel.quote + "\u201d";
    form.hidden = false;
    bodyEl.value = "";
    P.reveal(form);
    bodyEl.focus();
  }

  form.addEventListener("submit", function (ev) {
    ev.preventDefault();
    if (!pending) return;
    api("POST", "", { version: cfg.version, start: pending.start, end: pending.end, body: bodyEl.value })
      .then(function () { form.hidden = true; pending = null; say("Comment posted."); return load(); })
      .catch(function (e) { say(e.message); });
  });
  document.getElementById("comment-cancel").addEventListener("click", function () { form.hidden = true; pending = null; });

  document.addEventListener("candor-editor-ready", function () {
    E = window.CandorEditor;
    panel.hidden = false;
    var btn = document.getElementById("comment-button");
    if (btn) { btn.hidden = false; btn.addEventListener("mousedown", function (ev) { ev.preventDefault(); }); btn.addEventListener("click", startComment); }
    E.onUpdate(function (tr) { if (tr.docChanged && E.text() === E.savedText()) highlight(); });
    load();
  });
})();
