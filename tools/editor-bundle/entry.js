// The vendored editor bundle: ProseMirror's core packages, exposed as the global `CandorPM`.
// Candor's own editor code (app/ui/static/markdown_doc.js, editor.js, comments.js, suggestions.js)
// uses only this global and is not bundled, so changing it needs no rebuild. Rebuild this file with
// ./build.sh (or `make editor-bundle`); see app/ui/static/vendor/README.md.
export * as model from "prosemirror-model";
export * as state from "prosemirror-state";
export * as view from "prosemirror-view";
export * as transform from "prosemirror-transform";
export * as commands from "prosemirror-commands";
export * as keymap from "prosemirror-keymap";
export * as history from "prosemirror-history";
export * as schemaList from "prosemirror-schema-list";
