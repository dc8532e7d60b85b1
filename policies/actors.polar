# Actors, roles and the purposes each role may declare.
#
# Every rule in these files reads: permit(actor, action, resource, "rule_name") if <conditions>;
# The hub asks for the first rule that permits an access and records its name with the decision.
# Anything no rule permits is denied.

# oso's conventional entry point, for tools that ask "allow" rather than "permit".
allow(actor, action, resource) if permit(actor, action, resource, _rule);

has_role(actor: Practitioner, role: String) if role in actor.roles;

designated_safeguarding_lead(actor: Practitioner) if
    has_role(actor, "DSL") or has_role(actor, "DEPUTY_DSL");

# The purposes a role may declare (the "purpose" column of the decision table). A practitioner working
# their own agency's case declares one of these too: there is no purpose-free access to child data.
role_purpose("SOCIAL_WORKER", purpose) if purpose in ["S17_ASSESSMENT", "S47_ENQUIRY", "MASH_TRIAGE"];
role_purpose("MASH_PRACTITIONER", purpose) if purpose in ["S17_ASSESSMENT", "S47_ENQUIRY", "MASH_TRIAGE"];
role_purpose("POLICE_OFFICER", purpose) if purpose in ["POLICE_INVESTIGATION", "MASH_TRIAGE"];
role_purpose("HEALTH_SAFEGUARDING_PRACTITIONER", purpose) if purpose in ["HEALTH_SAFEGUARDING", "MASH_TRIAGE"];
role_purpose("UNSCHEDULED_CARE_CLINICIAN", "UNSCHEDULED_CARE");
role_purpose("DSL", "EDUCATION_SAFEGUARDING");
role_purpose("DEPUTY_DSL", "EDUCATION_SAFEGUARDING");

# A practitioner in a case role, acting for a purpose their role may declare.
working_a_case(actor: Practitioner) if
    role in actor.roles and role_purpose(role, actor.purpose);

# Roles that may declare an emergency and break the glass (purpose EMERGENCY).
break_glass_role(actor: Practitioner) if
    role in actor.roles and
    role in ["SOCIAL_WORKER", "MASH_PRACTITIONER", "POLICE_OFFICER", "UNSCHEDULED_CARE_CLINICIAN",
             "HEALTH_SAFEGUARDING_PRACTITIONER"];

# CP-IS role B0170: may view flags without the owner being alerted.
silent_viewer(actor: Practitioner) if has_role(actor, "SILENT_VIEWER");
