"""The web portal at /portal: server-rendered pages on the GOV.UK Design System for school designated
safeguarding leads and information-governance officers.

Pages read and write only through the hub's services and the one door (``hub.door``): each page view is
decided by the policy and audited, and shows data only after its audit entries are committed.
"""
