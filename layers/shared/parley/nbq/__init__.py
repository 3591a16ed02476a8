"""Next-best-question: catalogs, detection of what the conversation already says, selection, learning."""
