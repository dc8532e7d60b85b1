# The hub acting on its own: the worker (timers, deliveries) and operators' commands (`hub ...`).
#
# A System is never a Practitioner, so none of the other files' rules matches it, and nothing here matches
# a practitioner. Each action the worker or an operator takes is decided here before it is taken, and its
# audit event names the rule and the policy version like any practitioner's access.

hub_worker(actor: System) if actor.kind = "worker";
hub_operator(actor: System) if actor.kind = "operator";

# -- the worker's timers ------------------------------------------------------------------------------------
permit(actor: System, "remind", _request: InformationRequest, "request_due_soon_reminds_front_door") if
    hub_worker(actor);

permit(actor: System, "escalate", _request: InformationRequest, "overdue_request_escalates_to_mash_lead") if
    hub_worker(actor);

permit(actor: System, "escalate", _notice: Notification,
       "unacknowledged_encompass_notice_escalates_at_school_start") if
    hub_worker(actor);

# -- the worker's deliveries to agency systems (signed webhooks) -------------------------------------------
permit(actor: System, action, _notice: Notification, "notifications_reach_agency_systems") if
    hub_worker(actor) and
    action in ["deliver_attempt", "deliver", "deliver_failed", "dead_letter"];

# -- operators at the command line ---------------------------------------------------------------------------
# The dead-letter list names agencies' systems and what the hub failed to send them: reading it is decided
# and audited like any other operator action.
permit(actor: System, "list_dead_letters", job: HubResource, "operator_lists_dead_letters") if
    hub_operator(actor) and job.kind = "job";

permit(actor: System, "replay_delivery", job: HubResource, "operator_replays_dead_letters") if
    hub_operator(actor) and job.kind = "job";

permit(actor: System, "add_webhook_endpoint", endpoint: HubResource, "operator_registers_agency_endpoints") if
    hub_operator(actor) and endpoint.kind = "webhook_endpoint";

permit(actor: System, "list_webhook_endpoints", endpoint: HubResource, "operator_lists_agency_endpoints") if
    hub_operator(actor) and endpoint.kind = "webhook_endpoint";

permit(actor: System, "remove_webhook_endpoint", endpoint: HubResource, "operator_retires_agency_endpoints") if
    hub_operator(actor) and endpoint.kind = "webhook_endpoint";

# An operator exports the audit ledger (`hub audit export`), for an investigation or an offline check.
permit(actor: System, "export", ledger: HubResource, "operator_exports_audit_ledger") if
    hub_operator(actor) and ledger.kind = "audit_events";

permit(actor: System, "token", practitioner: HubResource, "operator_issues_practitioner_tokens") if
    hub_operator(actor) and practitioner.kind = "practitioner";

permit(actor: System, "print_second_factor_code", account: HubResource, "operator_prints_portal_codes") if
    hub_operator(actor) and account.kind = "portal_account";

permit(actor: System, "rotate", keys: HubResource, "operator_rotates_keys") if
    hub_operator(actor) and keys.kind = "keys";

permit(actor: System, "shred", keys: HubResource, "operator_shreds_a_childs_data_keys") if
    hub_operator(actor) and keys.kind = "child_data_keys";

# An operator reads a quarantined item (an agency's payload as it was sent, child data) to fix and replay
# it. The read is decided here and audited with the item; the list of items shows no payload.
permit(actor: System, "read", item: HubResource, "operator_reads_quarantined_item") if
    hub_operator(actor) and item.kind = "quarantine_item";

# ... and corrects one (the corrected payload replaces the agency's, sealed again) before replaying it.
permit(actor: System, "fix", item: HubResource, "operator_corrects_quarantined_item") if
    hub_operator(actor) and item.kind = "quarantine_item";

# -- the partnership's timers --------------------------------------------------------------------------------
# On the last working day for notifying a serious incident to the national panel, warn whoever recorded it.
permit(actor: System, "remind", incident: HubResource, "serious_incident_notification_due_warns_recorder") if
    hub_worker(actor) and incident.kind = "serious_incident";

# -- the demo ------------------------------------------------------------------------------------------------
# After the demo's first sync, its past Operation Encompass notices are marked acknowledged, as the schools'
# DSLs did at the time (`hub serve --with-simulators`).
permit(actor: System, "acknowledge", history: HubResource, "operator_acknowledges_demo_history") if
    hub_operator(actor) and history.kind = "demo_history";
