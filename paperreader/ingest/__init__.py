"""Papers into the library: planning an import (`plan`: every file read and checked before anything
is written), the arXiv OAI snapshot streamed in resumable batches (`oai_stream`), fetching from
arXiv and Hugging Face (`fetch`), and the import use case the CLI and the reader share
(`import_files`: no printing; progress and messages go through callbacks, results are returned).

The formats themselves are `paperreader.sources` (the backup format, both directions, is
`sources/backup.py`); the writing is the store's. Nothing here imports the CLI or Textual.
"""
