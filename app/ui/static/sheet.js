/* The findings side sheet on tablet widths (≤ 1000 px, see app.css): the "Findings and review" button
 * opens the side panel over the page and Escape or "Close" hides it; clicking an underline, pressing
 * "Comment" or a refused suggestion opens it on what they show (candorSheetReveal). Without this
 * script the panel simply follows the letter. */
(function () {
  "use strict";
  var panel = document.getElementById("side-panel");
  var open = document.getElementById("sheet-toggle");
  var close = document.getElementById("sheet-close");
  if (!panel || !open) return;
  document.body.classList.add("sheet-ready");
  function set(isOpen) {
    panel.classList.toggle("open", isOpen);
    open.setAttribute("aria-expanded", isOpen ? "true" : "false");
    if (isOpen) panel.focus(); else open.focus();
  }
  panel.setAttribute("tabindex", "-1");
  open.addEventListener("click", function () { set(!panel.classList.contains("open")); });
  if (close) close.addEventListener("click", function () { set(false); });
  document.addEventListener("keydown", function (ev) {
    if (ev.key === "Escape" && panel.classList.contains("open")) set(false);
  });
  /** Show `node` (a finding card, the comment form, a status line): on tablet widths the sheet is
   * opened first, since what the editor puts in it is otherwise out of sight. */
  window.candorSheetReveal = function (node) {
    if (getComputedStyle(open).display !== "none" && !panel.classList.contains("open")) {
      panel.classList.add("open");
      open.setAttribute("aria-expanded", "true");
    }
    if (node && node.scrollIntoView) node.scrollIntoView({ block: "nearest" });
  };
  /** Called by the editor with the open-finding count (and by the suggestions and comments panels with
   * theirs), shown on the button: "(3)", or "(3 · 1 suggestion · 2 comments)" so open suggestions
   * waiting in the closed sheet are not missed. */
  var counts = { finding: 0, suggestion: 0, comment: 0 };
  window.candorSheetCount = function (n, kind) {
    counts[kind || "finding"] = n;
    var c = document.getElementById("sheet-count");
    if (!c) return;
    var parts = [String(counts.finding)];
    if (counts.suggestion) parts.push(counts.suggestion + " suggestion" + (counts.suggestion === 1 ? "" : "s"));
    if (counts.comment) parts.push(counts.comment + " comment" + (counts.comment === 1 ? "" : "s"));
    c.textContent = "(" + parts.join(" \u00b7 ") + ")";
  };
})();
