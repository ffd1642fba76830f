import sys

from unqa.cli import main

sys.exit(main())
