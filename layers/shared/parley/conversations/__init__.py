"""Conversations: log transcripts, append turns atomically, list, read, and serve insights."""
