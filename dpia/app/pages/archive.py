"""Archive: timeline of versions, differences, chain and signature checks, export."""

from dpia.app._archive_page import show_archive

show_archive()
