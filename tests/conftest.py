"""Settings shared by the whole suite.

Property tests run on a busy 2-core CI machine next to LibreOffice and Chromium, so a slow example
is load, not a bug: no per-example deadline. Speed is measured by `make bench`, never by tests.
"""

from hypothesis import settings

settings.register_profile("dpia", deadline=None)
settings.load_profile("dpia")
