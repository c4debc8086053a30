"""Entry point: ``python -m benchmarks [--quick]``; ``python -m benchmarks hostile`` runs
only the hostile-input table (``benchmarks/hostile.py``)."""

import sys

if sys.argv[1:2] == ["hostile"]:
    from .hostile import main as hostile_main

    raise SystemExit(hostile_main(sys.argv[2:]))

from .run import main

raise SystemExit(main())
