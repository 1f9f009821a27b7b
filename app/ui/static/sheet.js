/* The findings side sheet on tablet widths (≤ 1000 px, see app.css): the "Findings and review" button
 * opens the side panel over the page and Escape or "Close" hides it. Without this script the panel
 * simply follows the letter. */
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
  /** Called by the editor with the open-finding count, shown on the button. */
  window.candorSheetCount = function (n) {
    var c = document.getElementById("sheet-count");
    if (c) c.textContent = "(" + n + ")";
  };
})();
