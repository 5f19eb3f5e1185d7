"""The one router every endpoint module registers on.

One router, because Django resolves a path to one view: a GET and a POST on
the same path (``/alerts``) must be operations of the same router.
"""

from ninja import Router

router = Router()
