"""dpia's release number, read by the build (pyproject.toml) and written into every document.

Kept in the package itself rather than asked of the installed distribution's metadata: reading
that imports `importlib.metadata` and the email parser behind it (tens of milliseconds of every
`dpia render`), and it gives nothing, or another number, for a checkout run without installing,
so the same answers would give different bytes.
"""

__version__ = "0.1.0"
