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

# Answering a subject access request starts by identifying the child: an IG officer reviewing access may
# confirm who a child in the hub is, by NHS number or by names and date of birth that the request gives.
# What this releases is the minimum to be sure of identity: the child's names and date of birth. Never whom
# to contact, the address or any record (those stay with "find" and "read", for practitioners working a
# case). Only for a child of the officer's own partnerships, or one its agency has known: anywhere else the
# hub must not confirm that a child exists (a child one may not see is indistinguishable from none).
permit(actor: Practitioner, "identify", child: Child, "ig_officer_identifies_child_for_access_review") if
    ig_officer_reviewing(actor) and
    (child.in_area or child.known);
