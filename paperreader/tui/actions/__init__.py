"""What the keys do to papers and to the library, as plain service classes the main screen builds
once the library is open and whose methods its `action_*` call (see `screens/main.py`)."""
