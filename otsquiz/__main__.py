"""``python -m otsquiz``."""

from otsquiz.cli import main

raise SystemExit(main())
