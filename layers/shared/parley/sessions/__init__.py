"""Zelinqa V1 sessions: a conversation qualified towards the catalog's objective, one decision at
a time (``POST /v1/sessions`` and its four routes)."""
