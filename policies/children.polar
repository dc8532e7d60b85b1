# A child's identity (names, date of birth, sex) and address, and finding a child.

permit(actor: Practitioner, "read", child: Child, "agency_reads_children_it_knows") if
    working_a_case(actor) and child.known;

permit(actor: Practitioner, "read", child: Child, "dsl_reads_pupils_on_roll") if
    designated_safeguarding_lead(actor) and
    actor.purpose = "EDUCATION_SAFEGUARDING" and
    child.on_roll;

# An address withheld (refuge, adoption) is visible only to the agency that withheld it.
permit(actor: Practitioner, "read_address", child: Child, "address_not_withheld") if
    not child.address_withheld and
    permit(actor, "read", child, _);

permit(actor: Practitioner, "read_address", child: Child, "agency_reads_address_it_withheld") if
    child.withholds_address and
    permit(actor, "read", child, _);

# FIND before FETCH: a practitioner working a case may learn that a child is known and who to contact.
permit(actor: Practitioner, "find", _child: Child, "case_practitioner_finds_child") if
    working_a_case(actor);
