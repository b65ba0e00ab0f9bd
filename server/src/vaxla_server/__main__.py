import sys

from vaxla_server.cli import main

sys.exit(main())
