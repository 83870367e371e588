"""Screens: the main screen and the dialogs it opens."""
