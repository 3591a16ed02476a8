"""Parley's local gateway: template.yaml served in-process, backed by an embedded moto server."""

from localgw.gateway import Gateway, start

__all__ = ["Gateway", "start"]
