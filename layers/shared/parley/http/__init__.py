"""HTTP edges shared by every function: problem details, request ids, JSON responses."""
