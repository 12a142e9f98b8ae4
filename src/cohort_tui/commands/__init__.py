"""CLI subcommands, one module per family. Each module has ``register(subparsers, common)``.

Modules here must stay light to import: the scripting commands run from a tmux status
bar every few seconds, so nothing at import time may pull in Textual or httpx.
"""
