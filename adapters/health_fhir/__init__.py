"""Health over FHIR R4: Patients with their NHS numbers, safeguarding Flags, unscheduled care Encounters."""
