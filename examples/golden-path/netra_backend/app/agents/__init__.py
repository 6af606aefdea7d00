"""Golden path agents (triage, data, optimization, actions, reporting)."""
