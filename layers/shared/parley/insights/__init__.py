"""Asynchronous work: what is sent to the insights queue, and (later) the worker's analysis."""
