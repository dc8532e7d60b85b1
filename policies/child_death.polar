# Child death review (Children Act 2004 s.16M-16P): any agency may notify a death; each agency asked
# completes its reporting form; members of the child death overview panel (CDOP) of the child death review
# partners (the local authority and the ICB) analyse de-identified material and see the panel's statistics.
# Everything here declares the purpose CHILD_DEATH_REVIEW.

death_review_purpose(actor: Practitioner) if actor.purpose = "CHILD_DEATH_REVIEW";

# Any agency: its safeguarding roles (requests.polar) and unscheduled care, where many deaths are first known.
death_notifier_role(actor: Practitioner) if
    decision_role(actor) or has_role(actor, "UNSCHEDULED_CARE_CLINICIAN");

cdop_member(actor: Practitioner) if
    death_review_purpose(actor) and
    has_role(actor, "CDOP_MEMBER") and
    actor.agency_kind in ["LOCAL_AUTHORITY", "HEALTH"];

permit(actor: Practitioner, "notify_child_death", child: Child, "any_agency_notifies_child_death") if
    death_review_purpose(actor) and death_notifier_role(actor) and (child.known or child.in_area);

permit(actor: Practitioner, "read", death: ChildDeath, "notifying_agency_reads_its_notification") if
    death.notifying_agency and death_review_purpose(actor) and death_notifier_role(actor);

permit(actor: Practitioner, "read", death: ChildDeath, "asked_agency_reads_request_for_report") if
    death.asked_agency and death_review_purpose(actor) and decision_role(actor);

permit(actor: Practitioner, "report", death: ChildDeath, "asked_agency_submits_reporting_form") if
    death.asked_agency and death_review_purpose(actor) and decision_role(actor);

permit(actor: Practitioner, "read", death: ChildDeath, "cdop_member_reads_de_identified_case") if
    death.in_cdop and cdop_member(actor);

permit(actor: Practitioner, "analyse", death: ChildDeath, "cdop_member_records_panel_analysis") if
    death.in_cdop and cdop_member(actor);

permit(actor: Practitioner, "read", scope: CdopScope, "cdop_member_reads_panel_statistics") if
    scope.member and cdop_member(actor);

permit(actor: Practitioner, "export", scope: CdopScope, "cdop_member_exports_to_national_database") if
    scope.member and cdop_member(actor);
