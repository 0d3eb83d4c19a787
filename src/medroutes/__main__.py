"""Allow ``python -m medroutes``."""

import sys

from medroutes.cli import main

sys.exit(main())
