"""The browser seat (``cohort web``): the app served to a browser by textual-serve.

Needs the ``web`` extra (textual-serve, aiohttp); imported only by ``cohort web``.
"""
