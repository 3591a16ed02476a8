"""Zelinqa V1 configuration: a tenant's question bank read, changed as a draft, published by an
asynchronous compilation, and audited (``/v1/configuration…``)."""
