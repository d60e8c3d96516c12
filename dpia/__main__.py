"""`python -m dpia` runs the `dpia` command, for when its script is not on the path."""

import sys

from dpia.cli import main

sys.exit(main())
