# Relationships: which actors may work with a child at all, by role, purpose and relationship
# (ON_ROLL, INVOLVED, IN_AREA, GRANT, BREAK_GLASS; OWNER is a fact about each record).
# In each rule the cheapest conditions come first: a rule that cannot apply is dropped sooner.

# DSL / deputy DSL: pupils on their own school's roll, for education safeguarding.
related(actor: Practitioner, child: Child, "dsl_pupil_on_roll") if
    actor.purpose = "EDUCATION_SAFEGUARDING" and
    child.on_roll and
    designated_safeguarding_lead(actor);

# Social workers and MASH practitioners: children in their partnerships' areas, or their agency's cases.
related(actor: Practitioner, child: Child, "children_services_in_area_or_involved") if
    actor.purpose in ["S17_ASSESSMENT", "S47_ENQUIRY", "MASH_TRIAGE"] and
    (child.in_area or child.involved) and
    (has_role(actor, "SOCIAL_WORKER") or has_role(actor, "MASH_PRACTITIONER"));

# Police officers: their force's cases; any child in the area when triaging in the MASH.
related(actor: Practitioner, child: Child, "police_involved") if
    actor.purpose in ["POLICE_INVESTIGATION", "MASH_TRIAGE"] and
    child.involved and
    has_role(actor, "POLICE_OFFICER");

related(actor: Practitioner, child: Child, "police_in_area_for_mash") if
    actor.purpose = "MASH_TRIAGE" and
    child.in_area and
    has_role(actor, "POLICE_OFFICER");

# Health safeguarding practitioners: their trust's patients, or children in the area.
related(actor: Practitioner, child: Child, "health_safeguarding_in_area_or_involved") if
    actor.purpose in ["HEALTH_SAFEGUARDING", "MASH_TRIAGE"] and
    (child.in_area or child.involved) and
    has_role(actor, "HEALTH_SAFEGUARDING_PRACTITIONER");

# Break-glass: the actor declared an emergency for this child within the hour.
related(actor: Practitioner, child: Child, "break_glass_emergency") if
    actor.purpose = "EMERGENCY" and
    child.break_glass and
    break_glass_role(actor);
