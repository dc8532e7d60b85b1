# The partnership's arrangements (Children Act 2004 s.16E-16K, as amended): drafted by its partnership
# manager, signed by each of the three lead partners, then published for anyone to read. The Secretary of
# State's representatives set an intervention status, with a reason. Independent scrutineers read the
# arrangements and the de-identified statistics (statistics.polar), never a child's identity.

governance_purpose(actor: Practitioner) if actor.purpose = "PARTNERSHIP_ASSURANCE";

# Those who work on the arrangements of their own partnership.
partnership_officer(actor: Practitioner) if
    governance_purpose(actor) and
    (has_role(actor, "PARTNERSHIP_MANAGER") or has_role(actor, "SCRUTINEER") or
     has_role(actor, "LEAD_PARTNER_SIGNATORY"));

# Published arrangements are public: anyone, signed in or not, for any purpose or none.
permit(_actor: Practitioner, "read", arrangement: Arrangement, "anyone_reads_published_arrangements") if
    arrangement.published;

permit(actor: Practitioner, "read", arrangement: Arrangement, "partnership_reads_its_own_arrangements") if
    arrangement.own_partnership and partnership_officer(actor);

permit(actor: Practitioner, "draft", arrangement: Arrangement, "partnership_manager_drafts_arrangements") if
    arrangement.own_partnership and
    governance_purpose(actor) and
    has_role(actor, "PARTNERSHIP_MANAGER");

# Each lead partner signs for its own agency (the service records which partner the agency is).
permit(actor: Practitioner, "sign", arrangement: Arrangement, "lead_partner_signs_arrangements") if
    arrangement.own_partnership and
    arrangement.lead_partner_agency and
    governance_purpose(actor) and
    has_role(actor, "LEAD_PARTNER_SIGNATORY");

permit(actor: Practitioner, "set_intervention", _arrangement: Arrangement,
       "secretary_of_state_sets_intervention_status") if
    governance_purpose(actor) and
    has_role(actor, "SECRETARY_OF_STATE_REPRESENTATIVE");
