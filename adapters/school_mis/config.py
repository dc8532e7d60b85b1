"""Northbridge schools' MIS exports. One adapter per school: its URN is the agency's official code."""

from __future__ import annotations

from hub.adapters.contract import AdapterConfig

DEFAULT_PORT = 8104
PRIMARY = AdapterConfig(base_url=f"http://127.0.0.1:{DEFAULT_PORT}", agency_code="190001", page_size=200)
ACADEMY = AdapterConfig(base_url=f"http://127.0.0.1:{DEFAULT_PORT}", agency_code="190002", page_size=200)

ROLL_COLUMNS = [
    "UPN",
    "Legal Surname",
    "Legal Forename",
    "Preferred Forename",
    "DOB",
    "Gender",
    "Postcode",
    "Admission Date",
    "Leaving Date",
    "Row Version",
    "Change No",
]
CONCERN_COLUMNS = [
    "Concern ID",
    "UPN",
    "Legal Surname",
    "Legal Forename",
    "DOB",
    "Gender",
    "Postcode",
    "Type",
    "Date",
    "Summary",
    "Row Version",
    "Change No",
]
