# Notifications: only their recipient reads and acknowledges them: the practitioner they name, or a holder
# of the role they name at the agency they name. Anyone else finds nothing (the same answer as no such id).
# Whether a notification is addressed to the actor is a fact the hub computes from the actor's verified
# identity (practitioner, agency and roles), never from the request.

permit(actor: Practitioner, "read", notification: Notification, "recipient_reads_notification") if
    (notification.to_actor or notification.to_actor_role) and
    working_a_case(actor);

permit(actor: Practitioner, "acknowledge", notification: Notification, "recipient_acknowledges_notification") if
    (notification.to_actor or notification.to_actor_role) and
    working_a_case(actor);
