"""Search: the Whoosh index (a cache of the store), the query language, highlights, suggestions.

Returns plain data; never imports Textual.
"""
