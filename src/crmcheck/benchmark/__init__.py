"""`crmcheck benchmark`, pure: the loader's small records in (records.py), kept as columns of numbers
(tables.py), counted (tally.py) and turned into a BenchmarkResult (build.py). The loader is crmcheck/portfolio.py."""
