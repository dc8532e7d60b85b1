# Actors and roles.
#
# Every rule in these files reads: permit(actor, action, resource, "rule_name") if <conditions>;
# The hub asks for the first rule that permits an access and records its name with the decision.
# Anything no rule permits is denied.

# oso's conventional entry point, for tools that ask "allow" rather than "permit".
allow(actor, action, resource) if permit(actor, action, resource, _rule);

# Roles that work cases about children, as opposed to governance roles (IG, partnership, scrutiny).
case_role(actor: Practitioner) if
    role in actor.roles and
    role in ["SOCIAL_WORKER", "MASH_PRACTITIONER", "POLICE_OFFICER", "UNSCHEDULED_CARE_CLINICIAN",
             "HEALTH_SAFEGUARDING_PRACTITIONER", "DSL", "DEPUTY_DSL"];

designated_safeguarding_lead(actor: Practitioner) if
    role in actor.roles and role in ["DSL", "DEPUTY_DSL"];
