"""Turn processing: deployments, offline recognition, the dialogue engine, sessions, process_turn."""
