"""`python -m paperreader`: the same entry point as the console script."""

from paperreader.cli import main

raise SystemExit(main())
