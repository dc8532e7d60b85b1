# Records by tier. A record is read part by part: its flag (category, status, dates, owner's contacts), its
# summary and its detail, at tiers FLAG, SUMMARY and DETAIL; every part of a RESTRICTED record is RESTRICTED.
# The resource is one part: record.tier is that part's tier.

# Any practitioner of the owning agency, working a case: every tier of its own records.
permit(actor: Practitioner, "read", record: Record, "owner_reads_own_records") if
    working_a_case(actor) and record.owned;

# Unscheduled care clinician (CP-IS): flags from every agency, for a child named by NHS number.
permit(actor: Practitioner, "read", record: Record, "unscheduled_care_reads_flags") if
    has_role(actor, "UNSCHEDULED_CARE_CLINICIAN") and
    actor.purpose = "UNSCHEDULED_CARE" and
    record.child.identified_by_nhs_number and
    record.tier = "FLAG";

# DSL / deputy DSL: flags of pupils on roll, and the summary of incidents notified to their school.
permit(actor: Practitioner, "read", record: Record, "dsl_reads_flags_of_pupils_on_roll") if
    related(actor, record.child, "dsl_pupil_on_roll") and
    record.tier = "FLAG";

permit(actor: Practitioner, "read", record: Record, "dsl_reads_summary_of_incidents_notified_to_school") if
    related(actor, record.child, "dsl_pupil_on_roll") and
    record.notified and
    record.tier = "SUMMARY";

# Social workers, MASH, police and health safeguarding (and break-glass): FLAG and SUMMARY of related
# children.
permit(actor: Practitioner, "read", record: Record, rule) if
    related(actor, record.child, rule) and
    rule != "dsl_pupil_on_roll" and
    record.tier in ["FLAG", "SUMMARY"];

# GRANT: an approved request (or the owner directly) lets the grantee read up to DETAIL of the granted
# category. Restricted content is never granted: it stays with its owner.
permit(actor: Practitioner, "read", record: Record, "grantee_reads_granted_category") if
    working_a_case(actor) and
    record.granted and
    record.tier in ["FLAG", "SUMMARY", "DETAIL"];

# RESTRICTED (live investigation, intelligence, sexual health): children's services and the MASH learn only
# that confidential information is held, and whom to contact. Nobody else learns even that.
permit(actor: Practitioner, "notice", record: Record, "children_services_told_confidential_information_is_held") if
    related(actor, record.child, "children_services_in_area_or_involved") and
    record.tier = "RESTRICTED";

# The owner of a record is alerted when a partner reads it, except by a silent viewer (CP-IS B0170).
permit(actor: Practitioner, "alert_owner", record: Record, "partner_access_alerts_owner") if
    not record.owned and not silent_viewer(actor);

# Writes: an agency shares, amends and ends only records it owns. The owner is always the actor's own
# agency, taken from the verified token, never from an argument.
permit(actor: Practitioner, "share", child: Child, "practitioner_shares_about_known_child") if
    working_a_case(actor) and (child.known or child.in_area);

permit(actor: Practitioner, "amend", record: Record, "owner_amends_own_records") if
    working_a_case(actor) and record.owned;

# Grants (for now made directly by the owning agency; later by approved information requests).
permit(actor: Practitioner, "grant", child: Child, "owner_grants_its_records") if
    working_a_case(actor) and child.known;
