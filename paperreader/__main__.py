"""`python -m paperreader`: the same entry point as the console script."""

from paperreader.cli import main

if __name__ == "__main__":  # index builds start worker processes that import this module
    raise SystemExit(main())
