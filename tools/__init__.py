"""Developer tools that are not part of the portal (web checkers, screenshots)."""
