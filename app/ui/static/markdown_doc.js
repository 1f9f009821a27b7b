/* Letter Markdown <-> ProseMirror document, for the draft editor (global `CandorMarkdown`).
 *
 * Letters are written in the small Markdown subset of app/letters/markup.py (headings, paragraphs
 * whose single line breaks are kept, "-"/"*"/"+" and "1."/"1)" lists, **bold**; nothing else is
 * markup). This parser follows that module line by line, so the editor shows what the exports print.
 *
 * Lossless: every top-level block remembers the Markdown it came from (`src`) and the blank lines
 * before it (`before`). A block whose content is unchanged is written back as its original source,
 * so loading and saving a letter changes nothing; an edited block is written in the canonical form.
 *
 * Offsets: `serialize` also returns a map between Markdown offsets (UTF-16, into the returned text)
 * and document positions, so findings (reported on the Markdown) underline the right words and a
 * selection in the editor names its Markdown range (comments, suggestions).
 *
 * Uses only the vendored bundle's global `CandorPM` (app/ui/static/vendor/, see its README).
 */
(function (global) {
  "use strict";
  var PM = global.CandorPM;
  var model = PM.model;

  var blockAttrs = { src: { default: null }, before: { default: null } };
  function withBlock(extra) {
    var out = { src: blockAttrs.src, before: blockAttrs.before };
    for (var k in extra) out[k] = extra[k];
    return out;
  }

  var schema = new model.Schema({
    nodes: {
      doc: { content: "block+", attrs: { trailing: { default: "\n" } } },
      paragraph: {
        group: "block", content: "inline*", attrs: withBlock({}),
        parseDOM: [{ tag: "p" }], toDOM: function () { return ["p", 0]; },
      },
      heading: {
        group: "block", content: "inline*", defining: true, attrs: withBlock({ level: { default: 2 } }),
        parseDOM: [1, 2, 3, 4, 5, 6].map(function (l) { return { tag: "h" + l, attrs: { level: l } }; }),
        toDOM: function (n) { return ["h" + n.attrs.level, 0]; },
      },
      bullet_list: {
        group: "block", content: "list_item+", attrs: withBlock({ marker: { default: "-" } }),
        parseDOM: [{ tag: "ul" }], toDOM: function () { return ["ul", 0]; },
      },
      ordered_list: {
        group: "block", content: "list_item+", attrs: withBlock({ start: { default: 1 }, delim: { default: "." } }),
        parseDOM: [{ tag: "ol", getAttrs: function (d) { return { start: d.hasAttribute("start") ? +d.getAttribute("start") || 1 : 1 }; } }],
        toDOM: function (n) { return ["ol", n.attrs.start === 1 ? {} : { start: n.attrs.start }, 0]; },
      },
      list_item: { content: "paragraph", defining: true, parseDOM: [{ tag: "li" }], toDOM: function () { return ["li", 0]; } },
      text: { group: "inline" },
      hard_break: {
        group: "inline", inline: true, selectable: false,
        parseDOM: [{ tag: "br" }], toDOM: function () { return ["br"]; },
      },
    },
    marks: {
      strong: {
        parseDOM: [{ tag: "strong" }, { tag: "b" }, { style: "font-weight", getAttrs: function (v) { return /^(bold(er)?|[6-9]\d\d)$/.test(v) && null; } }],
        toDOM: function () { return ["strong", 0]; },
      },
    },
  });

  // The patterns of app/letters/markup.py (d: match indices, to know where each piece came from).
  var HEADING = /^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$/d;
  var BULLET = /^ {0,3}([-*+])[ \t]+(\S.*)$/d;
  var ORDERED = /^ {0,3}(\d{1,9})([.)])[ \t]+(\S.*)$/d;
  var BOLD = /\*\*(?=\S)([\s\S]+?)(?<=\S)\*\*/g;

  /** A run of text with the Markdown offset of each of its characters. */
  function Piece() { this.text = ""; this.offs = []; }
  Piece.prototype.add = function (str, off) {
    for (var i = 0; i < str.length; i++) { this.text += str[i]; this.offs.push(off + i); }
  };
  Piece.prototype.addChar = function (ch, off) { this.text += ch; this.offs.push(off); };

  function lead(s) { return s.length - s.replace(/^\s+/, "").length; }

  /** Parse letter Markdown into blocks: {type, start, end, piece | items, level/marker/start/delim}. */
  function parseBlocks(md) {
    var lines = [], at = 0;
    md.split("\n").forEach(function (l) { lines.push({ text: l, start: at }); at += l.length + 1; });
    var blocks = [], para = null, list = null;
    function flushPara() { if (para) { blocks.push(para); para = null; } }
    function flushList() { if (list) { blocks.push(list); list = null; } }
    lines.forEach(function (ln) {
      var line = ln.text.replace(/\s+$/, "");
      var end = ln.start + line.length;
      if (!line.trim()) { flushPara(); return; }
      var h = HEADING.exec(line);
      if (h && h[2] && h[2].trim()) {
        flushPara(); flushList();
        var p = new Piece(), text = h[2].trim();
        p.add(text, ln.start + h.indices[2][0] + lead(h[2]));
        blocks.push({ type: "heading", level: h[1].length, piece: p, start: ln.start, end: end });
        return;
      }
      var b = BULLET.exec(line), o = b ? null : ORDERED.exec(line);
      var marker = b ? { ordered: false, rest: b[2], restAt: b.indices[2][0], bullet: b[1] }
        : o ? { ordered: true, number: +o[1], delim: o[2], rest: o[3], restAt: o.indices[3][0] } : null;
      var indented = /^( {2}|\t)/.test(line);
      if (list) {
        if (marker && !(indented && lead(line) >= 4)) {
          if (marker.ordered === list.ordered) { list.items.push(itemPiece(marker, ln)); list.end = end; return; }
          flushList();
        } else if (indented) {
          var last = list.items[list.items.length - 1];
          last.addChar(" ", ln.start - 1);
          last.add(line.trim(), ln.start + lead(line));
          list.end = end;
          return;
        } else {
          flushList();
        }
      }
      if (marker) {
        if (para && marker.ordered && marker.number !== 1) { addLine(para, line, ln); para.end = end; return; }
        flushPara();
        list = { type: marker.ordered ? "ordered_list" : "bullet_list", ordered: marker.ordered,
          startNo: marker.ordered ? marker.number : 1, delim: marker.delim || ".", marker: marker.bullet || "-",
          items: [itemPiece(marker, ln)], start: ln.start, end: end };
        return;
      }
      if (!para) para = { type: "paragraph", piece: new Piece(), start: ln.start, end: end };
      else para.piece.addChar("\n", ln.start - 1);
      para.piece.add(line.trim(), ln.start + lead(line));
      para.end = end;
    });
    flushPara(); flushList();
    return blocks;
  }
  function itemPiece(marker, ln) {
    var p = new Piece();
    p.add(marker.rest.trim(), ln.start + marker.restAt);
    return p;
  }
  function addLine(para, line, ln) {
    para.piece.addChar("\n", ln.start - 1);
    para.piece.add(line.trim(), ln.start + lead(line));
  }

  /** Inline content of a piece: text nodes (bold where **...**) and hard breaks; `offs` gets the
   * Markdown offset of every document character (and of every hard break) in order. */
  function inline(piece, offs, breaksAsSpace) {
    var out = [], t = piece.text, at = 0, m;
    function emit(from, to, bold) {
      var buf = "", bufOffs = [];
      function flush() {
        if (!buf) return;
        out.push(schema.text(buf, bold ? [schema.marks.strong.create()] : null));
        Array.prototype.push.apply(offs, bufOffs);
        buf = ""; bufOffs = [];
      }
      for (var i = from; i < to; i++) {
        if (t[i] === "\n" && !breaksAsSpace) { flush(); out.push(schema.nodes.hard_break.create()); offs.push(piece.offs[i]); }
        else { buf += t[i] === "\n" ? " " : t[i]; bufOffs.push(piece.offs[i]); }
      }
      flush();
    }
    BOLD.lastIndex = 0;
    while ((m = BOLD.exec(t))) {
      emit(at, m.index, false);
      emit(m.index + 2, m.index + 2 + m[1].length, true);
      at = m.index + m[0].length;
    }
    emit(at, t.length, false);
    return out;
  }

  /** Markdown -> {doc, offs}: offs[i] is the Markdown offset of the i-th document character. */
  function parse(md) {
    var blocks = parseBlocks(md), offs = [], nodes = [], prevEnd = 0;
    blocks.forEach(function (b, i) {
      var attrs = { src: md.slice(b.start, b.end), before: md.slice(i ? prevEnd : 0, b.start) };
      prevEnd = b.end;
      var n = schema.nodes;
      if (b.type === "heading") nodes.push(n.heading.create(withValues(attrs, { level: b.level }), inline(b.piece, offs, true)));
      else if (b.type === "paragraph") nodes.push(n.paragraph.create(attrs, inline(b.piece, offs, false)));
      else {
        var items = b.items.map(function (p) { return n.list_item.create(null, n.paragraph.create(null, inline(p, offs, true))); });
        nodes.push(b.ordered
          ? n.ordered_list.create(withValues(attrs, { start: b.startNo, delim: b.delim }), items)
          : n.bullet_list.create(withValues(attrs, { marker: b.marker }), items));
      }
    });
    if (!nodes.length) nodes.push(schema.nodes.paragraph.create({ src: null, before: md }));
    var trailing = blocks.length ? md.slice(prevEnd) : "";
    return { doc: schema.nodes.doc.create({ trailing: trailing }, nodes), offs: offs };
  }
  function withValues(a, b) { var o = {}; for (var k in a) o[k] = a[k]; for (var j in b) o[j] = b[j]; return o; }

  /** Canonical Markdown of inline content, with the offset of each document character. */
  function inlineMd(node, offs, base, breakText) {
    var out = "", bold = false;
    node.forEach(function (child) {
      var isBold = child.isText && schema.marks.strong.isInSet(child.marks);
      if (child.type === schema.nodes.hard_break) {
        if (bold) { out += "**"; bold = false; }
        offs.push(base + out.length);
        out += breakText;
        return;
      }
      var text = child.text;
      if (isBold && !bold) {
        var ws = text.match(/^\s*/)[0];
        for (var i = 0; i < ws.length; i++) offs.push(base + out.length + i);
        out += ws; text = text.slice(ws.length);
        if (!text) return;
        out += "**"; bold = true;
      } else if (!isBold && bold) {
        out = closeBold(out, offs, base);
        bold = false;
      }
      for (var j = 0; j < text.length; j++) offs.push(base + out.length + j);
      out += text;
    });
    if (bold) out = closeBold(out, offs, base);
    return out;
  }
  /** Close a bold run, moving trailing spaces outside the ** (the subset needs text beside them). */
  function closeBold(out, offs, base) {
    var ws = out.match(/\s*$/)[0];
    if (!ws) return out + "**";
    var body = out.slice(0, out.length - ws.length);
    for (var i = offs.length - ws.length; i < offs.length; i++) offs[i] += 2;
    return body + "**" + ws;
  }

  /** Indent the paragraph lines that would otherwise read as a heading or a list item ("# 1",
   * "- x" typed as text): four spaces keep them text, and the parser strips them again. */
  function guardLines(text, offs) {
    var starts = [0];
    for (var i = 0; i < text.length; i++) if (text[i] === "\n") starts.push(i + 1);
    var guarded = starts.filter(function (st) {
      var end = text.indexOf("\n", st), line = text.slice(st, end < 0 ? text.length : end).replace(/\s+$/, "");
      var h = HEADING.exec(line);
      return (h && h[2] && h[2].trim()) || BULLET.test(line) || ORDERED.test(line);
    });
    if (!guarded.length) return text;
    for (var k = 0; k < offs.length; k++) {
      var shift = 0;
      for (var g = 0; g < guarded.length; g++) if (offs[k] >= guarded[g]) shift += 4;
      offs[k] += shift;
    }
    var out = "", at = 0;
    guarded.forEach(function (st) { out += text.slice(at, st) + "    "; at = st; });
    return out + text.slice(at);
  }

  /** Canonical Markdown of one top-level block (offsets relative to its start). */
  function blockMd(node, offs) {
    var n = schema.nodes;
    if (node.type === n.paragraph) return guardLines(inlineMd(node, offs, 0, "  \n"), offs);
    if (node.type === n.heading) {
      var prefix = "#".repeat(node.attrs.level) + " ";
      return prefix + inlineMd(node, offs, prefix.length, " ");
    }
    var out = "";
    node.forEach(function (item, _o, i) {
      if (i) out += "\n";
      var marker = node.type === n.ordered_list ? (node.attrs.start + i) + node.attrs.delim + " " : node.attrs.marker + " ";
      out += marker;
      out += inlineMd(item.firstChild, offs, out.length, " ");
    });
    return out;
  }

  var srcCache = new Map();
  /** The canonical form and document offsets of an original block source (cached). */
  function fromSrc(src) {
    var hit = srcCache.get(src);
    if (hit) return hit;
    var parsed = parse(src), first = parsed.doc.firstChild, canon = [];
    hit = parsed.doc.childCount === 1 && first.attrs.src === src
      ? { canonical: first.type.name + "\u0000" + blockMd(first, canon), offs: parsed.offs } : null;
    if (srcCache.size > 500) srcCache.clear();
    srcCache.set(src, hit);
    return hit;
  }

  function needsBlankLine(prev, cur) {
    var n = schema.nodes;
    if (prev.type === n.paragraph && (cur.type === n.paragraph || (cur.type === n.ordered_list && cur.attrs.start !== 1))) return true;
    return prev.type === cur.type && prev.type !== n.heading;
  }

  /** Document -> {text, map}: unchanged blocks keep their original Markdown (see the header). */
  function serialize(doc) {
    var out = "", md = [], prev = null;
    doc.forEach(function (node, _offset, i) {
      var sep = i === 0 ? (node.attrs.before || "") : node.attrs.before;
      if (i > 0) {
        if (sep === null || sep.indexOf("\n") < 0) sep = "\n\n";
        if (!/\n[ \t]*\n/.test(sep) && needsBlankLine(prev, node)) sep = "\n\n";
        if (/\S/.test(sep)) sep = "\n\n";
      } else if (/\S/.test(sep)) sep = "";
      out += sep;
      var offs = [], text = blockMd(node, offs);
      var orig = node.attrs.src !== null ? fromSrc(node.attrs.src) : null;
      if (orig && orig.canonical === node.type.name + "\u0000" + text) { text = node.attrs.src; offs = orig.offs; }
      for (var k = 0; k < offs.length; k++) md.push(out.length + offs[k]);
      out += text;
      prev = node;
    });
    var trailing = doc.attrs.trailing;
    out += /\S/.test(trailing || "") ? "\n" : (trailing || "");
    return { text: out, map: buildMap(doc, md) };
  }

  /** Pair the Markdown offset of each document character with its document position. */
  function buildMap(doc, md) {
    var pos = [];
    doc.descendants(function (node, p) {
      if (node.isText) for (var i = 0; i < node.text.length; i++) pos.push(p + i);
      else if (node.type === schema.nodes.hard_break) pos.push(p);
      return true;
    });
    return new OffsetMap(md, pos, doc.content.size);
  }

  /** Markdown offsets <-> document positions (both ascending, one entry per document character). */
  function OffsetMap(md, pos, size) { this.md = md; this.pos = pos; this.size = size; }
  function firstAtLeast(arr, v) {
    var lo = 0, hi = arr.length;
    while (lo < hi) { var mid = (lo + hi) >> 1; if (arr[mid] < v) lo = mid + 1; else hi = mid; }
    return lo;
  }
  /** Document range of the Markdown range [start, end): the characters inside it (null if none). */
  OffsetMap.prototype.range = function (start, end) {
    var a = firstAtLeast(this.md, start), b = firstAtLeast(this.md, end) - 1;
    if (a >= this.md.length || b < a) return null;
    return { from: this.pos[a], to: this.pos[b] + 1 };
  };
  /** Markdown range [start, end) of the document range [from, to). */
  OffsetMap.prototype.mdRange = function (from, to) {
    var a = firstAtLeast(this.pos, from), b = firstAtLeast(this.pos, to) - 1;
    if (a >= this.pos.length) return { start: this.md.length ? this.md[this.md.length - 1] + 1 : 0, end: this.md.length ? this.md[this.md.length - 1] + 1 : 0 };
    if (b < a) return { start: this.md[a], end: this.md[a] };
    return { start: this.md[a], end: this.md[b] + 1 };
  };

  /** parse + serialize: the text a letter is saved as after loading it in the editor. */
  function roundTrip(md) { return serialize(parse(md).doc).text; }

  global.CandorMarkdown = { schema: schema, parse: parse, serialize: serialize, roundTrip: roundTrip };
})(window);
