import sys

from dpia.cli import main

sys.exit(main())
