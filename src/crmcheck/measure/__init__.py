"""`crmcheck measure`: the source's metrics computed from a company's own exports (DuckDB, the `measure` extra)."""
