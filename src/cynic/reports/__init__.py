"""One output format per module; each takes an AuditResult and returns text."""
