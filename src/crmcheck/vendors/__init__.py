"""Choosing a CRM vendor: a selection file, evaluators' score cards, and the ranking computed from them."""
