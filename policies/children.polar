# A child's identity (names, date of birth, sex), their address, and finding a child.

permit(actor: Practitioner, "read", child: Child, "agency_reads_children_it_knows") if
    working_a_case(actor) and child.known;

permit(actor: Practitioner, "read", child: Child, rule) if
    related(actor, child, rule);

# An agency granted some of a child's records may know who the child is.
permit(actor: Practitioner, "read", child: Child, "grantee_reads_child_of_grant") if
    working_a_case(actor) and child.granted;

# Unscheduled care (CP-IS): the clinician has the child in front of them and named them by NHS number.
permit(actor: Practitioner, "read", child: Child, "unscheduled_care_child_identified_by_nhs_number") if
    has_role(actor, "UNSCHEDULED_CARE_CLINICIAN") and
    actor.purpose = "UNSCHEDULED_CARE" and
    child.identified_by_nhs_number;

# An address withheld (refuge, adoption) is visible only to the agency that withheld it.
permit(actor: Practitioner, "read_address", child: Child, "address_not_withheld") if
    not child.address_withheld and
    permit(actor, "read", child, _);

permit(actor: Practitioner, "read_address", child: Child, "agency_reads_address_it_withheld") if
    child.withholds_address and
    permit(actor, "read", child, _);

# FIND before FETCH: a practitioner may learn that a child is known and whom to contact, never content, and
# only of a child they have a relationship with: ON_ROLL, IN_AREA or INVOLVED as their role's row of the
# table allows (``related``), or, in unscheduled care, the child they name by NHS number. A child the actor
# may not see is indistinguishable from one that does not exist: knowing a child from a closed case, or
# holding a grant, does not let anyone find them.
permit(actor: Practitioner, "find", child: Child, rule) if
    related(actor, child, rule);

permit(actor: Practitioner, "find", child: Child, "unscheduled_care_finds_child_by_nhs_number") if
    has_role(actor, "UNSCHEDULED_CARE_CLINICIAN") and
    actor.purpose = "UNSCHEDULED_CARE" and
    child.identified_by_nhs_number;

# Break-glass: an eligible role declares an emergency, with a reason, for any child.
permit(actor: Practitioner, "break_glass", _child: Child, "eligible_role_declares_emergency") if
    break_glass_role(actor) and actor.purpose = "EMERGENCY";
