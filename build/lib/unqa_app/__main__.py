import sys

from unqa_app.cli import main

sys.exit(main())
