"""Signed webhooks: a notification delivered to an agency system as JSON, signed with the hub's Ed25519 key.

The receiver verifies ``Hub-Signature`` (base64url, unpadded, Ed25519 over the exact body bytes) with the
public key named by ``Hub-Signature-Key-Id``. Delivery is at least once: a worker that dies after the POST
but before recording it sends again, so receivers de-duplicate on ``Hub-Delivery-Id`` (stable across retries)
or on the notification's ``id``. The body names the child, record and request by id only; their content is
read through the API, where each access is decided and audited.
"""

from __future__ import annotations

import base64
import json
from datetime import timedelta

import httpx

from hub.domain.working_time import as_utc
from hub.keys import KeyStore
from hub.storage import tables as t

MAX_BACKOFF = timedelta(hours=1)


class DeliveryError(RuntimeError):
    """The endpoint did not take the delivery (timeout, refused connection, non-2xx status)."""


def body(notification: t.Notification) -> bytes:
    def iso(moment: object) -> str | None:
        return as_utc(moment).isoformat() if moment is not None else None  # type: ignore[arg-type]

    document = {
        "id": notification.id, "kind": notification.kind, "summary": notification.summary,
        "recipientAgencyId": notification.recipient_agency_id, "recipientRole": notification.recipient_role,
        "recipientPractitionerId": notification.recipient_practitioner_id, "childId": notification.child_id,
        "recordId": notification.record_key, "requestId": notification.request_id,
        "senderAgencyId": notification.actor_agency_id, "dueAt": iso(notification.due_at),
        "doNotApproachParents": notification.do_not_approach_parents, "createdAt": iso(notification.created_at),
    }
    return json.dumps(document, sort_keys=True, separators=(",", ":")).encode()


def signed_headers(keys: KeyStore, payload: bytes, delivery_id: str) -> dict[str, str]:
    kid, key = keys.current_signing_key()
    signature = base64.urlsafe_b64encode(key.sign(payload)).rstrip(b"=").decode()
    return {"Content-Type": "application/json", "Hub-Signature": signature, "Hub-Signature-Key-Id": kid,
            "Hub-Delivery-Id": delivery_id, "User-Agent": "safeguarding-hub-webhooks/1"}


def post(client: httpx.Client, url: str, payload: bytes, headers: dict[str, str]) -> int:
    try:
        response = client.post(url, content=payload, headers=headers)
    except httpx.TimeoutException:
        raise DeliveryError("timed out") from None
    except httpx.HTTPError as error:
        raise DeliveryError(f"could not connect ({type(error).__name__})") from None
    if not 200 <= response.status_code < 300:
        raise DeliveryError(f"HTTP {response.status_code}")
    return response.status_code


def backoff(attempts: int, base_seconds: int) -> timedelta:
    """Exponential: base, 2 x base, 4 x base, ... up to an hour."""
    return min(timedelta(seconds=base_seconds * 2 ** max(attempts - 1, 0)), MAX_BACKOFF)
