"""crmcheck: assess the health of a company's CRM practice from YAML questionnaires."""

__version__ = "0.1.0"
