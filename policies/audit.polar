# The audit ledger, for information-governance officers.
#
# An IG officer reviewing access (purpose AUDIT_REVIEW) reads the audit events of their own agency: where it
# is the actor or the owner of what was accessed. Events are metadata (who, what, why, the decision), never
# record content. The services filter the events to the officer's agency in SQL and say so in
# scope.own_agency; anything wider is denied by default.

ig_officer_reviewing(actor: Practitioner) if
    "IG_OFFICER" in actor.roles and
    actor.purpose = "AUDIT_REVIEW";

permit(actor: Practitioner, "read", scope: AuditScope, "ig_officer_reads_own_agency_audit") if
    ig_officer_reviewing(actor) and
    scope.own_agency;

# Recording the outcome of a break-glass review; the review is itself an audit event.
permit(actor: Practitioner, "review", scope: AuditScope, "ig_officer_reviews_break_glass") if
    ig_officer_reviewing(actor) and
    scope.own_agency and
    scope.view = "break_glass";
