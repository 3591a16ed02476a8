"""Asynchronous insights: the stream relay, the worker, and the offline (or Bedrock) analysis."""
