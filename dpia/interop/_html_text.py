"""HTML from the PIA tool's rich-text editor as plain text, and plain text back as that HTML.

The PIA tool keeps answers, measures and evaluation comments as HTML. dpia keeps text, so an
answer reads the same in the wizard, in YAML and in the Word document, in a small markup that
keeps what carries meaning and nothing else:

    a blank line         ends a paragraph; a single line break stays a line break
    - item               a bullet; nested lists are indented by two spaces per level
    1. item              a numbered item
    **words**            bold (strong, b, headings)
    *words*              italic (em, i)
    \\*  \\\\  \\-  \\1.   a literal star, backslash, or a line that only looks like a list

Tables become one line per row with cells separated by " | "; links keep their text and their
address in brackets. Fonts, colours, underlining and alignment are not kept.

Anything that would make a reader's software run or fetch something is refused, never
silently dropped: scripts, event handlers, frames, objects, images, style sheets, forms, and
links whose address is not http, https or mailto. `to_text` and `to_html` are inverse on the
text `to_text` produces, so a PIA that goes out and comes back keeps every word.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

__all__ = [
    "MAX_DEPTH",
    "MAX_HTML_CHARACTERS",
    "TextLine",
    "UnsafeMarkup",
    "text_lines",
    "to_html",
    "to_text",
]

MAX_HTML_CHARACTERS = 2_000_000
MAX_DEPTH = 100

_REFUSED_ELEMENTS = frozenset(
    [
        "script",
        "style",
        "iframe",
        "frame",
        "frameset",
        "object",
        "embed",
        "applet",
        "img",
        "image",
        "svg",
        "math",
        "link",
        "meta",
        "base",
        "form",
        "input",
        "button",
        "textarea",
        "select",
        "option",
        "video",
        "audio",
        "source",
        "track",
        "picture",
        "canvas",
        "template",
        "noscript",
        "portal",
        "param",
        "area",
        "map",
    ]
)
_BLOCKS = frozenset(
    [
        "p",
        "div",
        "section",
        "article",
        "header",
        "footer",
        "aside",
        "nav",
        "main",
        "blockquote",
        "pre",
        "address",
        "figure",
        "figcaption",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "table",
        "thead",
        "tbody",
        "tfoot",
        "caption",
        "dl",
        "dt",
        "dd",
        "hr",
        "center",
    ]
)
_HEADINGS = frozenset(["h1", "h2", "h3", "h4", "h5", "h6"])
_BOLD = frozenset({"strong", "b"})
_ITALIC = frozenset({"em", "i", "cite", "dfn", "var"})
_SAFE_SCHEMES = ("http://", "https://", "mailto:")
_URL_ATTRIBUTES = frozenset(
    {"href", "src", "action", "formaction", "xlink:href", "background", "poster", "srcset", "data"}
)
_STYLE_FETCH = re.compile(r"url\s*\(|expression\s*\(|javascript:|@import|behavior\s*:", re.I)
_SPACE = re.compile(r"[ \t\r\n\f\v\u00a0\u2028\u2029]+")


class UnsafeMarkup(ValueError):
    """The HTML holds something that could run or fetch content; the message says what."""


Run = tuple[str, bool, bool]
"""A piece of text with its look: (text, bold, italic)."""


@dataclass
class _Line:
    runs: list[Run] = field(default_factory=list)


@dataclass
class _Item:
    lines: list[_Line] = field(default_factory=lambda: [_Line()])
    children: list[_List] = field(default_factory=list)


@dataclass
class _List:
    ordered: bool
    items: list[_Item] = field(default_factory=list)


@dataclass
class _Paragraph:
    lines: list[_Line] = field(default_factory=lambda: [_Line()])


Block = _Paragraph | _List


class _Reader(HTMLParser):
    """Builds paragraphs and lists from the tag stream, refusing unsafe markup on sight."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[Block] = []
        self.open: list[str] = []
        self.bold = 0
        self.italic = 0
        self.lists: list[_List] = []
        self.paragraph: _Paragraph | None = None
        self.links: list[str | None] = []
        self.cell = 0

    # -- where text goes ---------------------------------------------------------------------
    def _line(self) -> _Line:
        if self.lists:
            items = self.lists[-1].items
            if not items:
                items.append(_Item())
            return items[-1].lines[-1]
        if self.paragraph is None:
            self.paragraph = _Paragraph()
            self.blocks.append(self.paragraph)
        return self.paragraph.lines[-1]

    def _break(self) -> None:
        if self.lists:
            items = self.lists[-1].items
            if items:
                items[-1].lines.append(_Line())
        elif self.paragraph is not None:
            self.paragraph.lines.append(_Line())

    def _end_paragraph(self) -> None:
        if self.lists:
            self._break()
        else:
            self.paragraph = None

    # -- parser callbacks --------------------------------------------------------------------
    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._check(tag, attrs)
        if tag not in ("br", "hr", "wbr"):
            self.open.append(tag)
            if len(self.open) > MAX_DEPTH:
                raise UnsafeMarkup(f"nests elements more than {MAX_DEPTH} deep")
        if tag in _BOLD or tag in _HEADINGS or tag == "th":
            self.bold += 1
        if tag in _ITALIC:
            self.italic += 1
        if tag == "br":
            self._break()
        elif tag in ("ul", "ol", "menu"):
            new = _List(ordered=tag == "ol")
            if self.lists:
                items = self.lists[-1].items
                if not items:
                    items.append(_Item())
                items[-1].children.append(new)
            else:
                self.paragraph = None
                self.blocks.append(new)
            self.lists.append(new)
        elif tag == "li":
            if self.lists:
                self.lists[-1].items.append(_Item())
            else:
                self._end_paragraph()
        elif tag == "a":
            self.links.append(dict(attrs).get("href"))
        elif tag in ("td", "th"):
            if self.cell:
                self._text(" | ")
            self.cell += 1
        elif tag == "tr":
            self.cell = 0
            self._break()
        elif tag in _BLOCKS:
            self._end_paragraph()

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in ("br", "hr", "wbr"):
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag not in self.open:
            return
        while self.open:
            closed = self.open.pop()
            self._close(closed)
            if closed == tag:
                break

    def _close(self, tag: str) -> None:
        if tag in _BOLD or tag in _HEADINGS or tag == "th":
            self.bold -= 1
        if tag in _ITALIC:
            self.italic -= 1
        if tag in ("ul", "ol", "menu") and self.lists:
            self.lists.pop()
            if not self.lists:
                self.paragraph = None
        elif tag == "a" and self.links:
            href = self.links.pop()
            if href and href.strip():
                self._text(f" ({href.strip()})")
        elif tag == "tr":
            self.cell = 0
        elif tag in _BLOCKS:
            self._end_paragraph()

    def handle_data(self, data: str) -> None:
        if data:
            self._text(data)

    def _text(self, text: str) -> None:
        self._line().runs.append((text, self.bold > 0, self.italic > 0))

    def _check(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _REFUSED_ELEMENTS:
            raise UnsafeMarkup(
                f"contains a <{tag}> element; dpia does not import scripts, styles, frames, "
                "images, objects or forms"
            )
        for name, value in attrs:
            lowered = (value or "").strip().lower()
            if name.startswith("on"):
                raise UnsafeMarkup(f"contains an event handler ({name}= on <{tag}>)")
            if name == "style" and _STYLE_FETCH.search(value or ""):
                raise UnsafeMarkup(f"contains a style on <{tag}> that loads or runs something")
            if name == "href" and (not lowered or lowered.startswith(("#", *_SAFE_SCHEMES))):
                continue
            if name in _URL_ATTRIBUTES:
                raise UnsafeMarkup(
                    f"contains a reference {name}={value!r} on <{tag}>; only links to http, "
                    "https or mailto addresses are imported"
                )


def to_text(markup: str) -> str:
    """The rich-text editor's HTML as dpia's plain text; raises UnsafeMarkup."""
    if len(markup) > MAX_HTML_CHARACTERS:
        raise UnsafeMarkup(
            f"is {len(markup):,} characters of HTML; at most {MAX_HTML_CHARACTERS:,} are read"
        )
    if "<" not in markup:
        # Text without a single tag was typed as text: its line breaks are meant as written.
        return _write(
            [
                _Paragraph([_Line([(line, False, False)]) for line in chunk.split("\n")])
                for chunk in re.split(r"\n[ \t]*\n", html.unescape(markup))
            ]
        )
    reader = _Reader()
    reader.feed(markup)
    reader.close()
    return _write(reader.blocks)


# -- writing the text ----------------------------------------------------------------------------


def _canonical(runs: list[Run]) -> list[Run]:
    """Whitespace collapsed, styled runs trimmed (their spaces are plain), equal looks merged."""
    pieces: list[Run] = []
    for text, bold, italic in runs:
        text = _SPACE.sub(" ", text)
        if not text:
            continue
        if bold or italic:
            stripped = text.strip(" ")
            if not stripped:
                pieces.append((" ", False, False))
                continue
            if text.startswith(" "):
                pieces.append((" ", False, False))
            pieces.append((stripped, bold, italic))
            if text.endswith(" "):
                pieces.append((" ", False, False))
        else:
            pieces.append((text, False, False))
    merged: list[Run] = []
    for text, bold, italic in pieces:
        if merged and merged[-1][1:] == (bold, italic):
            merged[-1] = (merged[-1][0] + text, bold, italic)
        else:
            merged.append((text, bold, italic))
    collapsed: list[Run] = []
    previous_space = True
    for text, bold, italic in merged:
        text = _SPACE.sub(" ", text)
        if previous_space and text.startswith(" "):
            text = text[1:]
        if text:
            collapsed.append((text, bold, italic))
            previous_space = text.endswith(" ")
    while collapsed and collapsed[-1][0].endswith(" "):
        text, bold, italic = collapsed.pop()
        if text.rstrip(" "):
            collapsed.append((text.rstrip(" "), bold, italic))
    return collapsed


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("*", "\\*")


_LOOKS_LIKE_ITEM = re.compile(r"^(- |\d+\. )")


def _line_text(line: _Line) -> str:
    out: list[str] = []
    bold = italic = False
    for text, b, i in _canonical(line.runs):
        if b != bold:
            out.append("**")
            bold = b
        if i != italic:
            out.append("*")
            italic = i
        out.append(_escape(text))
    if italic:
        out.append("*")
    if bold:
        out.append("**")
    written = "".join(out)
    if _LOOKS_LIKE_ITEM.match(written):
        written = "\\" + written
    return written


def _lines(lines: list[_Line]) -> list[str]:
    written = [_line_text(line) for line in lines]
    while written and not written[0]:
        written.pop(0)
    while written and not written[-1]:
        written.pop()
    return [w for w in written if w] if any(written) else []


def _list_lines(block: _List, indent: int) -> list[str]:
    out: list[str] = []
    number = 0
    for item in block.items:
        lines = _lines(item.lines)
        children = [line for child in item.children for line in _list_lines(child, indent + 2)]
        if not lines and not children:
            continue
        number += 1
        marker = f"{number}. " if block.ordered else "- "
        first, *rest = lines or [""]
        out.append(" " * indent + marker + first)
        out.extend(" " * (indent + 2) + line for line in rest)
        out.extend(children)
    return out


def _write(blocks: list[Block]) -> str:
    parts: list[str] = []
    for block in blocks:
        lines = _list_lines(block, 0) if isinstance(block, _List) else _lines(block.lines)
        if lines:
            parts.append("\n".join(lines))
    return "\n\n".join(parts)


# -- reading the text back as HTML -------------------------------------------------------------

_MARKER = re.compile(r"^( *)(- |(\d+)\. )(.*)$")


def _runs(text: str) -> list[Run]:
    runs: list[Run] = []
    bold = italic = False
    current: list[str] = []
    index = 0

    def flush() -> None:
        if current:
            runs.append(("".join(current), bold, italic))
            current.clear()

    while index < len(text):
        char = text[index]
        if char == "\\" and index + 1 < len(text):
            current.append(text[index + 1])
            index += 2
            continue
        if text.startswith("**", index):
            flush()
            bold = not bold
            index += 2
            continue
        if char == "*":
            flush()
            italic = not italic
            index += 1
            continue
        current.append(char)
        index += 1
    flush()
    return runs


def _inline_html(text: str) -> str:
    out = []
    for piece, bold, italic in _runs(text):
        chunk = html.escape(piece, quote=False)
        if italic:
            chunk = f"<em>{chunk}</em>"
        if bold:
            chunk = f"<strong>{chunk}</strong>"
        out.append(chunk)
    return "".join(out)


def to_html(text: str) -> str:
    """dpia's plain text as the editor's HTML: the inverse of `to_text`."""
    out: list[str] = []
    for chunk in re.split(r"\n[ \t]*\n", text.strip("\n")):
        lines = chunk.split("\n")
        if _MARKER.match(lines[0]):
            out.append(_list_html(lines))
        elif chunk.strip():
            out.append("<p>" + "<br />".join(_inline_html(line) for line in lines) + "</p>")
    return "\n".join(out)


def _list_html(lines: list[str]) -> str:
    """Nested lists from indented `- ` and `1. ` lines; other lines continue the item above."""
    html_parts: list[str] = []
    stack: list[tuple[int, str]] = []  # (indent, "ul" | "ol")
    item_open: list[bool] = []
    for line in lines:
        match = _MARKER.match(line)
        if match is None:
            html_parts.append("<br />" + _inline_html(line.strip(" ")))
            continue
        indent = len(match.group(1))
        kind = "ol" if match.group(3) else "ul"
        while stack and stack[-1][0] > indent:
            html_parts.append(f"</li></{stack.pop()[1]}>")
            item_open.pop()
        if stack and stack[-1][0] == indent and stack[-1][1] != kind:
            html_parts.append(f"</li></{stack.pop()[1]}>")
            item_open.pop()
        if not stack or stack[-1][0] < indent:
            html_parts.append(f"<{kind}>")
            stack.append((indent, kind))
            item_open.append(False)
        if item_open[-1]:
            html_parts.append("</li>")
        html_parts.append("<li>" + _inline_html(match.group(4)))
        item_open[-1] = True
    while stack:
        html_parts.append(f"</li></{stack.pop()[1]}>")
    return "".join(html_parts)


@dataclass(frozen=True)
class TextLine:
    """One line of dpia's plain text as a document shows it."""

    kind: str  # "paragraph", "bullet" or "number"
    depth: int
    number: int
    runs: tuple[Run, ...]
    starts_paragraph: bool


def text_lines(text: str) -> list[TextLine]:
    """The lines of a text with their list markers read and their emphasis split into runs."""
    lines: list[TextLine] = []
    for chunk in re.split(r"\n[ \t]*\n", text.strip("\n")):
        first = True
        for line in chunk.split("\n"):
            if not line.strip():
                continue
            match = _MARKER.match(line)
            if match:
                kind = "number" if match.group(3) else "bullet"
                number = int(match.group(3) or 0)
                depth = len(match.group(1)) // 2
                body = match.group(4)
            else:
                indent = len(line) - len(line.lstrip(" "))
                kind = "paragraph" if not lines or first or indent == 0 else lines[-1].kind
                depth = max(indent // 2 - 1, 0) if indent else 0
                number = 0
                body = line.strip(" ")
                if kind != "paragraph":
                    kind = "continuation"
            lines.append(TextLine(kind, depth, number, tuple(_runs(body)), first))
            first = False
    return lines
