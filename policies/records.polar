# Records by tier. A record is read part by part: its flag (category, status, dates, owner's contacts), its
# summary and its detail, each at a tier (FLAG, SUMMARY, DETAIL; every part of a RESTRICTED record is
# RESTRICTED). The resource is one part: record.tier is that part's tier.

permit(actor: Practitioner, "read", record: Record, "owner_reads_own_records") if
    working_a_case(actor) and record.owned;

permit(actor: Practitioner, "read", record: Record, "dsl_reads_flags_of_pupils_on_roll") if
    designated_safeguarding_lead(actor) and
    actor.purpose = "EDUCATION_SAFEGUARDING" and
    record.child.on_roll and
    record.tier = "FLAG";

# Writes: an agency shares, amends and ends only records it owns. The owner is always the actor's own
# agency, taken from the verified token, never from an argument.
permit(actor: Practitioner, "share", child: Child, "practitioner_shares_about_known_child") if
    working_a_case(actor) and (child.known or child.in_area);

permit(actor: Practitioner, "amend", record: Record, "owner_amends_own_records") if
    working_a_case(actor) and record.owned;
