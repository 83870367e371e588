"""Widgets the main screen is built from; they post messages up and hold no data of their own."""
