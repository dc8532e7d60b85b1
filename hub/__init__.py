"""The safeguarding information-sharing hub: domain, services, the one door to child data, audit, CLI."""
