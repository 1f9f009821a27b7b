"""Exports of a letter (PDF, DOCX, plain text, e-mail) and of the compliance checklist (CSV, PDF).

Every letter format takes one :class:`app.export.document.ExportDocument` and renders the same
Markdown subset through :mod:`app.letters.markup`, so headings, lists and bold mean the same in
every format and user text is always inert. Nothing here does network I/O; WeasyPrint is imported
lazily (it costs over a second), so importing this package is cheap.
"""
