/* What the draft editor's parts share (editor.js, comments.js, suggestions.js): loaded before them.
 *
 * window.CandorPanel:
 * - cfg: the page's editor configuration (JSON in #editor-config), or null on other pages;
 * - csrf: the page's CSRF token (meta csrf-token), sent as X-CSRF-Token;
 * - el(tag, attrs, text): a DOM element whose text is set as DOM text (never innerHTML: letter text
 *   and comments are untrusted);
 * - reveal(node): bring a node of the side panel into sight (on tablet widths the panel is a closed
 *   side sheet: sheet.js opens it);
 * - api(baseUrl): a function (method, path, body) -> Promise of the JSON reply; a refusal rejects
 *   with the server's one-line message (the API's one error shape);
 * - decorations(name, props, revealAttr): a ProseMirror plugin holding a set of decorations mapped
 *   through every edit (plus any other plugin props, e.g. handleClick; with `revealAttr`, a click on
 *   decorated words reveals the panel element whose `revealAttr` is the decoration's id), registered in
 *   window.CandorEditorPlugins before editor.js builds the editor; `.replace(view, decos)` swaps
 *   the set without an undo step, `.get(state)` reads it.
 */
(function () {
  "use strict";
  var cfgEl = document.getElementById("editor-config");
  var PM = window.CandorPM;

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    if (attrs) for (var k in attrs) if (attrs[k] !== null && attrs[k] !== undefined) node.setAttribute(k, attrs[k]);
    if (text !== undefined && text !== null) node.textContent = text;
    return node;
  }

  var csrf = (document.querySelector('meta[name="csrf-token"]') || {}).content || "";

  function api(baseUrl) {
    return function (method, path, body) {
      return fetch(baseUrl + path, {
        method: method, credentials: "same-origin",
        headers: { "Content-Type": "application/json", "Accept": "application/json", "X-CSRF-Token": csrf },
        body: body ? JSON.stringify(body) : undefined,
      }).then(function (res) {
        return res.json().catch(function () { return {}; }).then(function (b) {
          if (!res.ok) throw new Error((b.error && b.error.message) || "The server refused the request (" + res.status + ").");
          return b;
        });
      });
    };
  }

  function decorations(name, props, revealAttr) {
    var key = new PM.state.PluginKey(name);
    var DecorationSet = PM.view.DecorationSet;
    var allProps = { decorations: function (state) { return key.getState(state); } };
    if (revealAttr) {
      // a click on decorated words reveals the panel element whose `revealAttr` is the decoration's id
      allProps.handleClick = function (view, pos) {
        var hit = key.getState(view.state).find(pos, pos);
        if (hit.length) reveal(document.querySelector("[" + revealAttr + '="' + hit[0].spec.id + '"]'));
        return false;
      };
    }
    for (var k in props || {}) allProps[k] = props[k];
    var plugin = new PM.state.Plugin({
      key: key,
      state: {
        init: function () { return DecorationSet.empty; },
        apply: function (tr, set) { return tr.getMeta(key) || set.map(tr.mapping, tr.doc); },
      },
      props: allProps,
    });
    window.CandorEditorPlugins = (window.CandorEditorPlugins || []).concat([plugin]);
    return {
      key: key,
      plugin: plugin,
      get: function (state) { return key.getState(state); },
      replace: function (view, decos) {
        view.dispatch(view.state.tr.setMeta(key, DecorationSet.create(view.state.doc, decos)).setMeta("addToHistory", false));
      },
    };
  }

  function reveal(node) {
    if (window.candorSheetReveal) window.candorSheetReveal(node);
    else if (node && node.scrollIntoView) node.scrollIntoView({ block: "nearest" });
  }

  window.CandorPanel = {
    reveal: reveal,
    cfg: cfgEl ? JSON.parse(cfgEl.textContent) : null,
    csrf: csrf,
    el: el,
    api: api,
    decorations: PM ? decorations : null,
  };
})();
