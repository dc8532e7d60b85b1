# Notifications (an Operation Encompass incident to a school, an access to an agency's records, ...):
# only their recipients read and acknowledge them (DESIGN section 4, writes). A notification is addressed to
# an agency and, optionally, to one practitioner or to a role there.

addressed_to(_actor: Practitioner, notification: Notification) if
    notification.to_agency and
    notification.to_practitioner and
    notification.to_role;

permit(actor: Practitioner, "read", notification: Notification, "recipient_reads_notification") if
    working_a_case(actor) and
    addressed_to(actor, notification);

permit(actor: Practitioner, "acknowledge", notification: Notification, "recipient_acknowledges_notification") if
    working_a_case(actor) and
    addressed_to(actor, notification);
