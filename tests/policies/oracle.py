"""The decision table of DESIGN.md section 4, written out plainly in Python: the executable specification
the Polar files are tested against. It shares no code with the policy."""

from __future__ import annotations

from hub.domain.access import ChildFacts, PolicyActor, RecordFacts

ROLE_PURPOSES = {
    "SOCIAL_WORKER": {"S17_ASSESSMENT", "S47_ENQUIRY", "MASH_TRIAGE"},
    "MASH_PRACTITIONER": {"S17_ASSESSMENT", "S47_ENQUIRY", "MASH_TRIAGE"},
    "POLICE_OFFICER": {"POLICE_INVESTIGATION", "MASH_TRIAGE"},
    "HEALTH_SAFEGUARDING_PRACTITIONER": {"HEALTH_SAFEGUARDING", "MASH_TRIAGE"},
    "UNSCHEDULED_CARE_CLINICIAN": {"UNSCHEDULED_CARE"},
    "DSL": {"EDUCATION_SAFEGUARDING"},
    "DEPUTY_DSL": {"EDUCATION_SAFEGUARDING"},
}
BREAK_GLASS_ROLES = {"SOCIAL_WORKER", "MASH_PRACTITIONER", "POLICE_OFFICER", "UNSCHEDULED_CARE_CLINICIAN",
                     "HEALTH_SAFEGUARDING_PRACTITIONER"}
CHILDREN_SERVICES = {"SOCIAL_WORKER", "MASH_PRACTITIONER"}


def working_a_case(actor: PolicyActor) -> bool:
    return any(actor.purpose in ROLE_PURPOSES.get(role, set()) for role in actor.roles)


def is_dsl_for(actor: PolicyActor, child: ChildFacts) -> bool:
    return bool(actor.roles & {"DSL", "DEPUTY_DSL"}) and actor.purpose == "EDUCATION_SAFEGUARDING" and child.on_roll


def children_services_related(actor: PolicyActor, child: ChildFacts) -> bool:
    return (bool(actor.roles & CHILDREN_SERVICES) and actor.purpose in {"S17_ASSESSMENT", "S47_ENQUIRY",
                                                                        "MASH_TRIAGE"}
            and (child.in_area or child.involved))


def flag_and_summary_related(actor: PolicyActor, child: ChildFacts) -> bool:
    """The rows granting FLAG and SUMMARY: children's services, police, health safeguarding, break-glass."""
    police = "POLICE_OFFICER" in actor.roles and (
        (actor.purpose in {"POLICE_INVESTIGATION", "MASH_TRIAGE"} and child.involved)
        or (actor.purpose == "MASH_TRIAGE" and child.in_area))
    health = ("HEALTH_SAFEGUARDING_PRACTITIONER" in actor.roles
              and actor.purpose in {"HEALTH_SAFEGUARDING", "MASH_TRIAGE"} and (child.in_area or child.involved))
    emergency = bool(actor.roles & BREAK_GLASS_ROLES) and actor.purpose == "EMERGENCY" and child.break_glass
    return children_services_related(actor, child) or police or health or emergency


def may_read(actor: PolicyActor, record: RecordFacts) -> bool:
    child, tier = record.child, record.tier
    if working_a_case(actor) and record.owned:
        return True  # owner: all tiers of its own records
    if ("UNSCHEDULED_CARE_CLINICIAN" in actor.roles and actor.purpose == "UNSCHEDULED_CARE"
            and child.identified_by_nhs_number and tier == "FLAG"):
        return True  # CP-IS: flags from all agencies
    if is_dsl_for(actor, child) and (tier == "FLAG" or (tier == "SUMMARY" and record.notified)):
        return True  # DSL: flags; summary of incidents notified to the school
    if flag_and_summary_related(actor, child) and tier in {"FLAG", "SUMMARY"}:
        return True
    return working_a_case(actor) and record.granted and tier in {"FLAG", "SUMMARY", "DETAIL"}


def may_notice(actor: PolicyActor, record: RecordFacts) -> bool:
    """'Confidential information held by X, contact Y': for social workers and MASH, of RESTRICTED records."""
    return record.tier == "RESTRICTED" and children_services_related(actor, record.child)


def may_read_child(actor: PolicyActor, child: ChildFacts) -> bool:
    return (
        (working_a_case(actor) and (child.known or child.granted))
        or is_dsl_for(actor, child)
        or flag_and_summary_related(actor, child)
        or ("UNSCHEDULED_CARE_CLINICIAN" in actor.roles and actor.purpose == "UNSCHEDULED_CARE"
            and child.identified_by_nhs_number)
    )


def may_find(actor: PolicyActor, child: ChildFacts) -> bool:
    """FIND answers only for a child the actor has a relationship with: ON_ROLL (DSL), IN_AREA or INVOLVED as
    the role's row of the table allows (the rows above), or unscheduled care naming the child by NHS number.
    Knowing the child from a closed case, or holding a grant, is not enough."""
    return (
        is_dsl_for(actor, child)
        or flag_and_summary_related(actor, child)
        or ("UNSCHEDULED_CARE_CLINICIAN" in actor.roles and actor.purpose == "UNSCHEDULED_CARE"
            and child.identified_by_nhs_number)
    )
