"""`python -m bot.evaluation eval|import …`"""

import sys

from bot.evaluation.commands import main

sys.exit(main())
