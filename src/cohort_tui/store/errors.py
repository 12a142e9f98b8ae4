"""Errors the store raises; each message is one sentence a user can act on."""


class StoreError(Exception):
    """A store that cannot be opened or written, with the reason and the way out."""
