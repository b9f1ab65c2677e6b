"""Improvement plans: actions made from a report's recommendations, kept in git, and checked by later reports."""
