"""Text and attribute values escaped for the XML parts written by hand, as the stdlib writes them.

`xml.sax.saxutils` has `escape` and `quoteattr`, but importing it imports urllib.request, and
with it http.client, ssl and email, for tools dpia never uses: some 20 ms of every render's
start-up for a few string replacements. These give the same strings, so the same bytes.
"""

from __future__ import annotations

__all__ = ["xml_attribute", "xml_text"]


def xml_text(text: str) -> str:
    """Character data: `&`, `<` and `>` escaped, as `xml.sax.saxutils.escape(text)`."""
    return text.replace("&", "&amp;").replace(">", "&gt;").replace("<", "&lt;")


def xml_attribute(text: str) -> str:
    """An attribute value with its quotes, as `xml.sax.saxutils.quoteattr(text)`."""
    text = xml_text(text).replace("\n", "&#10;").replace("\r", "&#13;").replace("\t", "&#9;")
    if '"' not in text:
        return f'"{text}"'
    if "'" not in text:
        return f"'{text}'"
    return '"{}"'.format(text.replace('"', "&quot;"))
