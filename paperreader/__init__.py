"""paperreader: a terminal reader for research-paper abstracts.

Importing the package does no work: no files are read or created until a command asks.
"""

__version__ = "0.1.0"
