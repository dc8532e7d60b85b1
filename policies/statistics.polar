# Partnership statistics: de-identified aggregates (small numbers suppressed) for the partnership's managers
# and its independent scrutineer, of their own partnership only.

permit(actor: Practitioner, "read", statistics: Statistics, "partnership_assurance_reads_own_partnership") if
    statistics.own_partnership and
    actor.purpose = "PARTNERSHIP_ASSURANCE" and
    (has_role(actor, "PARTNERSHIP_MANAGER") or has_role(actor, "SCRUTINEER"));
