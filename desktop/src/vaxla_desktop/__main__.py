import sys

from vaxla_desktop.cli import main

sys.exit(main())
