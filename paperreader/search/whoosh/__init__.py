"""The Whoosh fence: `internals.py` is the only module of paperreader that touches a private name
of Whoosh 2.7.4 (an attribute or function whose name starts with `_`) or patches Whoosh. Everything
else calls its small named functions; `tests/test_whoosh_fence.py` pins the version, checks that
every name listed in `internals.PRIVATE_NAMES` still exists, and that no other module uses one."""


def whoosh_index():
    """Whoosh's `index` module (open_dir, create_in), with paperreader's patch of Whoosh
    installed: every index paperreader opens or creates is opened through this."""
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SyntaxWarning)
        from whoosh import index

        from paperreader.search.whoosh.internals import install_patches
    install_patches()
    return index
