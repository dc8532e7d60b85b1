# Records by tier. A record is read part by part: its flag (category, status, dates, owner's contacts), its
# summary and its detail, at tiers FLAG, SUMMARY and DETAIL; every part of a RESTRICTED record is RESTRICTED.
# The resource is one part: record.tier is that part's tier.

# Any practitioner of the owning agency, working a case: every tier of its own records.
permit(actor: Practitioner, "read", record: Record, "owner_reads_own_records") if
    record.owned and working_a_case(actor);

# Unscheduled care clinician (CP-IS): flags from every agency, for a child named by NHS number.
permit(actor: Practitioner, "read", record: Record, "unscheduled_care_reads_flags") if
    record.tier = "FLAG" and
    actor.purpose = "UNSCHEDULED_CARE" and
    record.child.identified_by_nhs_number and
    has_role(actor, "UNSCHEDULED_CARE_CLINICIAN");

# DSL / deputy DSL: flags of pupils on roll, and the summary of incidents notified to their school.
permit(actor: Practitioner, "read", record: Record, "dsl_reads_flags_of_pupils_on_roll") if
    record.tier = "FLAG" and
    related(actor, record.child, "dsl_pupil_on_roll");

permit(actor: Practitioner, "read", record: Record, "dsl_reads_summary_of_incidents_notified_to_school") if
    record.tier = "SUMMARY" and
    record.notified and
    related(actor, record.child, "dsl_pupil_on_roll");

# Social workers, MASH, police and health safeguarding (and break-glass): FLAG and SUMMARY of related
# children.
permit(actor: Practitioner, "read", record: Record, rule) if
    record.tier in ["FLAG", "SUMMARY"] and
    related(actor, record.child, rule) and
    rule != "dsl_pupil_on_roll";

# GRANT: an approved request (or the owner directly) lets the grantee read up to DETAIL of the granted
# category. Restricted content is never granted: it stays with its owner.
permit(actor: Practitioner, "read", record: Record, "grantee_reads_granted_category") if
    record.granted and
    record.tier in ["FLAG", "SUMMARY", "DETAIL"] and
    working_a_case(actor);

# RESTRICTED (live investigation, intelligence, sexual health): children's services and the MASH learn only
# that confidential information is held, and whom to contact. Nobody else learns even that.
permit(actor: Practitioner, "notice", record: Record, "children_services_told_confidential_information_is_held") if
    record.tier = "RESTRICTED" and
    related(actor, record.child, "children_services_in_area_or_involved");

# The owner of a record is alerted when a partner reads it, except by a silent viewer (CP-IS B0170).
permit(actor: Practitioner, "alert_owner", record: Record, "partner_access_alerts_owner") if
    not record.owned and not silent_viewer(actor);

# Writes: an agency shares, amends and ends only records it owns. The owner is always the actor's own
# agency, taken from the verified token, never from an argument.
permit(actor: Practitioner, "share", child: Child, "practitioner_shares_about_known_child") if
    working_a_case(actor) and (child.known or child.in_area);

permit(actor: Practitioner, "amend", record: Record, "owner_amends_own_records") if
    record.owned and working_a_case(actor);

# Grants (for now made directly by the owning agency; later by approved information requests).
permit(actor: Practitioner, "grant", child: Child, "owner_grants_its_records") if
    working_a_case(actor) and child.known;
