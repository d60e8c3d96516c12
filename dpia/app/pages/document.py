"""Document: build, preview, download and archive the Word DPIA."""

from dpia.app._document_page import show_document

show_document()
