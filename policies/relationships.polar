# Relationships: which actors may work with a child at all, by role, purpose and relationship
# (ON_ROLL, INVOLVED, IN_AREA, GRANT, BREAK_GLASS; OWNER is a fact about each record).

# DSL / deputy DSL: pupils on their own school's roll, for education safeguarding.
related(actor: Practitioner, child: Child, "dsl_pupil_on_roll") if
    designated_safeguarding_lead(actor) and
    actor.purpose = "EDUCATION_SAFEGUARDING" and
    child.on_roll;

# Social workers and MASH practitioners: children in their partnerships' areas, or their agency's cases.
related(actor: Practitioner, child: Child, "children_services_in_area_or_involved") if
    (has_role(actor, "SOCIAL_WORKER") or has_role(actor, "MASH_PRACTITIONER")) and
    actor.purpose in ["S17_ASSESSMENT", "S47_ENQUIRY", "MASH_TRIAGE"] and
    (child.in_area or child.involved);

# Police officers: their force's cases; any child in the area when triaging in the MASH.
related(actor: Practitioner, child: Child, "police_involved") if
    has_role(actor, "POLICE_OFFICER") and
    actor.purpose in ["POLICE_INVESTIGATION", "MASH_TRIAGE"] and
    child.involved;

related(actor: Practitioner, child: Child, "police_in_area_for_mash") if
    has_role(actor, "POLICE_OFFICER") and
    actor.purpose = "MASH_TRIAGE" and
    child.in_area;

# Health safeguarding practitioners: their trust's patients, or children in the area.
related(actor: Practitioner, child: Child, "health_safeguarding_in_area_or_involved") if
    has_role(actor, "HEALTH_SAFEGUARDING_PRACTITIONER") and
    actor.purpose in ["HEALTH_SAFEGUARDING", "MASH_TRIAGE"] and
    (child.in_area or child.involved);

# Break-glass: the actor declared an emergency for this child within the hour.
related(actor: Practitioner, child: Child, "break_glass_emergency") if
    break_glass_role(actor) and
    actor.purpose = "EMERGENCY" and
    child.break_glass;
