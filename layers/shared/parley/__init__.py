"""Parley's shared layer: the domain, its HTTP edges and its stores, imported by every function."""

__version__ = "0.1.0"
