"""Northbridge NHS Foundation Trust's FHIR R4 endpoint."""

from __future__ import annotations

from hub.adapters.contract import AdapterConfig

DEFAULT_PORT = 8102
DEFAULT = AdapterConfig(base_url=f"http://127.0.0.1:{DEFAULT_PORT}", agency_code="RNB01", page_size=100)

NHS_NUMBER_SYSTEM = "https://fhir.nhs.uk/Id/nhs-number"
FLAG_CODES = "https://fhir.nhs.northbridge.example/CodeSystem/safeguarding-flag"
# The sharing agreement's profile: the tier the trust shares a Flag at, as a meta tag.
SHARING_TIER = "https://hub.northbridge.example/CodeSystem/sharing-tier"
CONFIDENTIALITY = "http://terminology.hl7.org/CodeSystem/v3-Confidentiality"
ACT_CODE = "http://terminology.hl7.org/CodeSystem/v3-ActCode"
