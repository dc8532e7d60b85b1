# Adapters and identity. An adapter is a service account of one agency (role ADAPTER) that writes that
# agency's records into the hub while syncing; it is no case role, so it reads nothing through the rules of
# records.polar and children.polar.

adapter_syncing(actor: Practitioner) if
    "ADAPTER" in actor.roles and
    actor.purpose = "AGENCY_RECORD_SYNC";

# Writing what the agency's own system holds about a child, in the agency's name.
permit(actor: Practitioner, "ingest", _child: Child, "adapter_ingests_for_its_agency") if
    adapter_syncing(actor);

# A new version of a record the adapter's agency owns (an older version is never applied over a newer one).
permit(actor: Practitioner, "ingest", record: Record, "adapter_updates_its_agencys_records") if
    adapter_syncing(actor) and record.owned;

# Linking the agency's local id to a child: an exact NHS number or a clear demographic match.
permit(actor: Practitioner, "link", _child: Child, "adapter_links_on_a_clear_match") if
    adapter_syncing(actor);

# A person the matcher could not place with confidence waits for a practitioner of the same agency: the
# adapter queues the person (sealed) and holds their records until then.
permit(actor: Practitioner, "queue_for_resolution", _child: Child, "adapter_queues_an_unclear_identity") if
    adapter_syncing(actor);

# A practitioner working a case resolves who a person their own agency holds is (link, or a new child).
permit(actor: Practitioner, "resolve_identity", _child: Child, "case_practitioner_resolves_identity") if
    working_a_case(actor);

# Operation Encompass: the police force's own system notifies the child's school of a domestic abuse
# incident as it arrives, exactly as an officer sharing it through the API would.
permit(actor: Practitioner, "notify_incident", child: Child, "police_system_notifies_school_of_domestic_abuse") if
    actor.agency_kind = "POLICE" and
    adapter_syncing(actor) and
    (child.known or child.in_area);
