# Information requests (MASH-style) and the sharing decisions that answer them.

# The roles that decide whether their agency shares: those who hold their agency's safeguarding judgement.
# An unscheduled care clinician, an IG officer or a partnership manager does not decide for the agency.
decision_role(actor: Practitioner) if
    role in actor.roles and
    role in ["SOCIAL_WORKER", "MASH_PRACTITIONER", "MASH_LEAD", "POLICE_OFFICER",
             "HEALTH_SAFEGUARDING_PRACTITIONER", "DSL", "DEPUTY_DSL"];

# Asking: a practitioner working a case asks other agencies about a child they may already know of.
permit(actor: Practitioner, "request", child: Child, "case_practitioner_asks_about_child_they_know") if
    working_a_case(actor) and
    permit(actor, "read", child, _);

# Reading a request: the agency that asked, and the agencies asked (those who would decide).
permit(actor: Practitioner, "read", request: InformationRequest, "requesting_agency_reads_its_request") if
    request.from_actor_agency and
    working_a_case(actor);

permit(actor: Practitioner, "read", request: InformationRequest, "asked_agency_reads_request_to_it") if
    request.to_actor_agency and
    decision_role(actor) and
    working_a_case(actor);

# Answering: only a practitioner of an agency asked, in a decision role.
permit(actor: Practitioner, "decide", request: InformationRequest, "asked_agency_decides_in_a_decision_role") if
    request.to_actor_agency and
    decision_role(actor) and
    working_a_case(actor);

# Re-rating the request and recording its outcome: the agency that asked.
permit(actor: Practitioner, "rate", request: InformationRequest, "requesting_agency_rerates_its_request") if
    request.from_actor_agency and
    working_a_case(actor);

permit(actor: Practitioner, "record_outcome", request: InformationRequest, "requesting_agency_records_outcome") if
    request.from_actor_agency and
    working_a_case(actor);

# Operation Encompass: a police officer notifies a child's school of a domestic abuse incident.
permit(actor: Practitioner, "notify_incident", child: Child, "police_notify_school_of_domestic_abuse") if
    actor.agency_kind = "POLICE" and
    has_role(actor, "POLICE_OFFICER") and
    working_a_case(actor) and
    (child.known or child.in_area);
