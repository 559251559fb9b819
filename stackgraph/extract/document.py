"""Read an article: plain text or HTML, checked before anything is extracted.

An article is decoded as UTF-8 (a byte-order mark is allowed); anything else is refused with a message naming the
file, never guessed: a quote must be the article's own words. HTML is reduced to the text a reader sees with
`selectolax <https://github.com/rushter/selectolax>`_ (the Lexbor HTML5 parser: fast, standards-conforming, kept
up to date): scripts, styles, navigation, headers, footers, asides and forms are dropped, the ``<article>`` (or
``<main>``) element is read when there is one, and each block element (paragraph, heading, list item, quote,
table cell) becomes a paragraph with its whitespace collapsed, as a browser shows it.

Examples
--------
>>> article = article_from_text("Acme bought Widgets Inc.\\n\\nIt paid $5m.", name="demo.txt")
>>> [p.text for p in article.paragraphs]
['Acme bought Widgets Inc.', 'It paid $5m.']
>>> article_from_html("<html><body><nav>Menu</nav><p>Acme &amp; Co <b>bought</b> Widgets.</p></body></html>",
...                   name="demo.html").paragraphs[0].text
'Acme & Co bought Widgets.'
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from stackgraph.errors import InputError

__all__ = [
    "DEFAULT_MAX_BYTES",
    "HTML_SUFFIXES",
    "Article",
    "Paragraph",
    "article_from_html",
    "article_from_text",
    "read_article",
]

#: Largest article read by default (5 MB): a long news article is about 50 kB.
DEFAULT_MAX_BYTES = 5_000_000
#: File name endings read as HTML (other files are sniffed: a text starting with ``<!doctype html`` or ``<html``).
HTML_SUFFIXES = (".html", ".htm", ".xhtml")

_DROPPED = "script, style, noscript, nav, header, footer, aside, form, template, svg, iframe, button, select"
_BLOCKS = "h1, h2, h3, h4, h5, h6, p, li, blockquote, pre, td, th, dt, dd, figcaption, caption"
_SPACE = re.compile(r"\s+")
_BULLET = re.compile(r"^\s*(?:[-*•·–—]|\d{1,2}[.)])\s+")


@dataclass(frozen=True)
class Paragraph:
    """A paragraph of an article: its text and where it starts in the article's text."""

    text: str
    start: int


@dataclass(frozen=True)
class Article:
    """An article's text, split into paragraphs, and where it came from."""

    name: str
    text: str
    paragraphs: tuple[Paragraph, ...]
    html: bool = False


def read_article(path: str | Path, *, max_bytes: int = DEFAULT_MAX_BYTES) -> Article:
    """Read a plain-text or HTML article from ``path``.

    Raises
    ------
    InputError
        The file is missing, empty, larger than ``max_bytes``, binary, not UTF-8, or holds no text.
    """
    file = Path(path)
    if not file.is_file():
        raise InputError(f"{file}: no such file" if not file.exists() else f"{file}: not a file")
    size = file.stat().st_size
    if size == 0:
        raise InputError(f"{file}: empty file, nothing to read")
    if size > max_bytes:
        raise InputError(
            f"{file}: {size / 1e6:.1f} MB is too large for one article (limit {max_bytes / 1e6:.1f} MB); "
            "split it into articles, or raise the limit with --max-bytes"
        )
    data = file.read_bytes()
    text = _decode(data, file)
    is_html = file.suffix.lower() in HTML_SUFFIXES or text.lstrip()[:15].lower().startswith(("<!doctype html", "<html"))
    article = article_from_html(text, name=str(file)) if is_html else article_from_text(text, name=str(file))
    if not article.paragraphs:
        raise InputError(f"{file}: no text found" + (" in the HTML" if is_html else " (only whitespace)"))
    return article


def _decode(data: bytes, file: Path) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise InputError(f"{file}: UTF-16 text; save the article as UTF-8")
    if b"\x00" in data[:65536]:
        raise InputError(f"{file}: binary file (NUL bytes), not an article; give a plain-text or HTML file")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise InputError(
            f"{file}:{line}: not UTF-8 text (byte 0x{data[error.start]:02x} at offset {error.start}); "
            "convert the article to UTF-8 (e.g. iconv -f latin1 -t utf-8)"
        ) from None
    controls = sum(1 for ch in text[:65536] if ord(ch) < 32 and ch not in "\t\n\r\f")
    if controls > 8:
        raise InputError(f"{file}: binary file ({controls} control characters), not an article")
    return text


def article_from_text(text: str, *, name: str = "<text>") -> Article:
    """Split plain text into paragraphs: by blank lines when it has them, else one paragraph per line.

    A list bullet (``- ``, ``* ``, ``1. ``) at the start of a paragraph is not part of its text.
    """
    blocks = re.split(r"\n[ \t]*\n" if re.search(r"\n[ \t]*\n", text) else r"\n", text)
    paragraphs = []
    offset = 0
    for block in blocks:
        start = text.index(block, offset) if block else offset
        offset = start + len(block)
        bullet = _BULLET.match(block)
        skip = bullet.end() if bullet else len(block) - len(block.lstrip())
        body = block[skip:].rstrip()
        if body.strip():
            paragraphs.append(Paragraph(body, start + skip))
    return Article(name, text, tuple(paragraphs))


def article_from_html(html: str, *, name: str = "<html>") -> Article:
    """Extract the paragraphs a reader sees from an HTML page (see the module docstring)."""
    from selectolax.lexbor import LexborHTMLParser

    tree = LexborHTMLParser(html)
    for node in tree.css(_DROPPED):
        node.decompose()
    root = tree.css_first("article") or tree.css_first("main") or tree.body or tree.root
    if root is None:
        return Article(name, "", (), html=True)
    blocks = root.css(_BLOCKS)
    texts: list[str] = []
    if blocks:
        for node in blocks:
            if _inside_block(node):
                continue
            texts.append(_SPACE.sub(" ", node.text(deep=True, separator="")).strip())
    else:
        texts = [_SPACE.sub(" ", line).strip() for line in (root.text(separator="\n") or "").split("\n")]
    paragraphs = []
    offset = 0
    for text in texts:
        if text:
            paragraphs.append(Paragraph(text, offset))
            offset += len(text) + 2
    return Article(name, "\n\n".join(p.text for p in paragraphs), tuple(paragraphs), html=True)


def _inside_block(node: object) -> bool:
    parent = getattr(node, "parent", None)
    blocks = {tag.strip() for tag in _BLOCKS.split(",")}
    while parent is not None:
        if getattr(parent, "tag", None) in blocks:
            return True
        parent = getattr(parent, "parent", None)
    return False
