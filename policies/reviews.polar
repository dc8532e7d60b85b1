# Serious incidents, rapid reviews and lessons (Working Together 2023, chapter 5). Everything here declares
# the purpose SERIOUS_INCIDENT_REVIEW. Reviewers see only what agencies submitted to the review they are
# assigned to, and the incident without the children's identities.

review_purpose(actor: Practitioner) if actor.purpose = "SERIOUS_INCIDENT_REVIEW";

# Who in a local authority records and notifies a serious incident.
incident_notifier_role(actor: Practitioner) if
    actor.agency_kind = "LOCAL_AUTHORITY" and
    (has_role(actor, "SOCIAL_WORKER") or has_role(actor, "MASH_PRACTITIONER") or
     has_role(actor, "MASH_LEAD") or has_role(actor, "PARTNERSHIP_MANAGER"));

permit(actor: Practitioner, "record_incident", child: Child, "local_authority_records_serious_incident") if
    review_purpose(actor) and child.in_area and incident_notifier_role(actor);

permit(actor: Practitioner, "read", incident: Incident, "notifying_authority_reads_its_incident") if
    incident.notifying_agency and review_purpose(actor) and incident_notifier_role(actor);

permit(actor: Practitioner, "notify", incident: Incident, "local_authority_notifies_national_panel") if
    incident.notifying_agency and review_purpose(actor) and incident_notifier_role(actor);

# The partnership manager starts the rapid review, names its reviewers and the agencies asked, and tracks a
# local review to publication.
partnership_manager_reviewing(actor: Practitioner, incident: Incident) if
    incident.own_partnership and review_purpose(actor) and has_role(actor, "PARTNERSHIP_MANAGER");

permit(actor: Practitioner, "read", incident: Incident, "partnership_manager_reads_own_partnerships_incidents") if
    partnership_manager_reviewing(actor, incident);

permit(actor: Practitioner, "start_review", incident: Incident, "partnership_manager_starts_rapid_review") if
    incident.notified and partnership_manager_reviewing(actor, incident);

permit(actor: Practitioner, "track_local_review", incident: Incident, "partnership_manager_tracks_local_review") if
    partnership_manager_reviewing(actor, incident);

# Reviewers: the review they are assigned to, and what agencies submitted to it.
assigned_reviewer(actor: Practitioner, incident: Incident) if
    incident.assigned_reviewer and review_purpose(actor) and has_role(actor, "REVIEWER");

permit(actor: Practitioner, "read", incident: Incident, "assigned_reviewer_reads_review") if
    assigned_reviewer(actor, incident);

permit(actor: Practitioner, "read_summaries", incident: Incident, "assigned_reviewer_reads_submitted_summaries") if
    assigned_reviewer(actor, incident);

permit(actor: Practitioner, "decide", incident: Incident, "assigned_reviewer_records_review_decision") if
    assigned_reviewer(actor, incident);

# An agency asked for its summary reads the request and answers it, in a decision role (requests.polar).
permit(actor: Practitioner, "read", incident: Incident, "asked_agency_reads_request_for_summary") if
    incident.asked_agency and review_purpose(actor) and decision_role(actor);

permit(actor: Practitioner, "submit_summary", incident: Incident, "asked_agency_submits_agency_summary") if
    incident.asked_agency and review_purpose(actor) and decision_role(actor);

# The national panel sees what was notified to it, across partnerships.
permit(actor: Practitioner, "read", incident: Incident, "national_panel_reads_notified_incidents") if
    incident.notified and review_purpose(actor) and has_role(actor, "NATIONAL_PANEL_MEMBER");

# Lessons: published de-identified by the partnership manager or a reviewer of the review they come from.
permit(actor: Practitioner, "publish_lesson", incident: Incident, "partnership_manager_publishes_lesson") if
    partnership_manager_reviewing(actor, incident);

permit(actor: Practitioner, "publish_lesson", incident: Incident, "assigned_reviewer_publishes_lesson") if
    assigned_reviewer(actor, incident);

# Any practitioner of the partnership searches its lessons, whatever their purpose; the national panel
# searches every partnership's. Adapters are service accounts and read nothing.
permit(actor: Practitioner, "read", lesson: Lesson, "partnership_practitioner_reads_lessons") if
    lesson.own_partnership and not has_role(actor, "ADAPTER");

permit(actor: Practitioner, "read", _lesson: Lesson, "national_panel_reads_lessons_nationally") if
    has_role(actor, "NATIONAL_PANEL_MEMBER");
