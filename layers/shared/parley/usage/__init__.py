"""Usage: sessions counted per tenant per day."""
