"""Signed webhooks: tenants register HTTPS endpoints for events; deliveries go through the queue."""
