"""The Streamlit app: a thin shell over the dpia package, and the only place Streamlit is used.

Pages live in `pages/` as small scripts (Streamlit's navigation runs files); each calls one
`show_...` function here. Everything the app decides (validation, ratings, documents,
signatures, archive records) comes from the package, so the CLI and the app never disagree.
"""

from ._frame import PAGES, run_app

__all__ = ["PAGES", "run_app"]
