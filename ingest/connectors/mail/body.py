"""The plain-text body of a message: text/plain preferred, stripped HTML as the fallback.

The text is only handed to landing (which derives sentiment and drops it); nothing here stores it.
"""

from __future__ import annotations

import html
import re
from email.message import Message
from html.parser import HTMLParser

from ingest.connectors.mail.headers import decode_bytes

# Sentiment needs the first screens of a message, not a 5 MB pasted log; this bounds extract size.
MAX_BODY_CHARS = 50_000

_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_BLANK_LINES_RE = re.compile(r"\n{3,}")
_BLOCK_TAGS = frozenset({"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "table", "ul", "ol", "hr"})


class _TextExtractor(HTMLParser):
    """Collects visible text; block elements become line breaks, scripts and styles are dropped."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in {"script", "style", "head", "title"}:
            self._skip += 1
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in {"script", "style", "head", "title"}:
            self._skip = max(0, self._skip - 1)
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def html_to_text(markup: str) -> str:
    """Visible text of an HTML body."""
    parser = _TextExtractor()
    try:
        parser.feed(markup)
        parser.close()
        text = "".join(parser.parts)
    except Exception:  # html.parser is lenient, but a pathological document must not stop a conversion
        text = html.unescape(re.sub(r"<[^>]+>", " ", markup))
    lines = [" ".join(line.split()) for line in text.splitlines()]
    return _BLANK_LINES_RE.sub("\n\n", "\n".join(lines)).strip()


def _part_text(part: Message) -> str:
    payload = part.get_payload(decode=True)
    if payload is None:
        raw = part.get_payload()
        return raw if isinstance(raw, str) else ""
    return decode_bytes(payload, part.get_content_charset())


def _own_parts(msg: Message) -> list[Message]:
    """Leaf parts written by the sender: not attachments, not inside a forwarded message/rfc822."""
    if not msg.is_multipart():
        return [msg]
    out: list[Message] = []
    for part in msg.get_payload() or []:
        if not isinstance(part, Message):
            continue
        if part.get_content_type() == "message/rfc822":
            continue  # a forwarded message's words are not the sender's
        if part.is_multipart():
            out.extend(_own_parts(part))
        elif (part.get_content_disposition() or "") != "attachment":
            out.append(part)
    return out


def body_text(msg: Message) -> str | None:
    """The message's own text: the first text/plain part, else the first text/html part as text."""
    parts = _own_parts(msg)
    plain = next((p for p in parts if p.get_content_type() == "text/plain"), None)
    text = _part_text(plain).strip() if plain is not None else ""
    if not text:
        rich = next((p for p in parts if p.get_content_type() == "text/html"), None)
        text = html_to_text(_part_text(rich)) if rich is not None else ""
    text = _CONTROL_RE.sub("", text.replace("\r\n", "\n").replace("\r", "\n")).strip()
    return text[:MAX_BODY_CHARS] or None
