"""``cloudspy serve``: a local dashboard, a JSON API and /metrics over the cache (#17).

Read-only and offline: it answers from the store with the same functions and the
same JSON as the CLI, opens the store only for the length of a request (so a
cron ``sync`` or ``import`` still gets it), and calls no cloud API.
"""
