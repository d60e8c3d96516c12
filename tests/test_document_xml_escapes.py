"""The XML parts written by hand escape text exactly as the standard library would.

The document's custom properties and its embedded answers are written as strings; a title or
an answer with quotes, ampersands, angle brackets or line breaks must come out as the bytes
`xml.sax.saxutils` gives, so documents rendered before and after stay identical.
"""

from __future__ import annotations

from xml.sax import saxutils

import pytest

from dpia.document._xml_escapes import xml_attribute, xml_text

AWKWARD = [
    "",
    "Telemetry for AI",
    "Q&A <draft>",
    'the "call centre" review',
    "the vendor's tool",
    """both "double" and 'single' quotes""",
    "line one\nline two\r\n\ttabbed",
    "already &amp; escaped &lt;b&gt;",
    "Überwachung am Arbeitsplatz — §26 BDSG",
]


@pytest.mark.parametrize("text", AWKWARD)
def test_text_is_escaped_as_the_standard_library_escapes_it(text: str) -> None:
    assert xml_text(text) == saxutils.escape(text)


@pytest.mark.parametrize("text", AWKWARD)
def test_attributes_are_quoted_as_the_standard_library_quotes_them(text: str) -> None:
    assert xml_attribute(text) == saxutils.quoteattr(text)
