"""The providers: email by SES (`SendEmail`, plain text), SMS by SNS (`Publish` to a phone number).

Each returns the provider's message id, or raises `ProviderError` — the one failure the dispatcher
records and retries. The in-app channel is the table itself (inbox_store.add). The adapter of
`ports.providers`.
"""

from __future__ import annotations

from botocore.exceptions import BotoCoreError, ClientError

from functions.notification.ports import ProviderError
from shared import aws
from shared.config import settings

__all__ = ["ProviderError", "send_email", "send_sms"]


def send_email(to: str, subject: str, body: str) -> str:
    try:
        response = aws.client("sesv2").send_email(
            FromEmailAddress=settings().mail_from,
            Destination={"ToAddresses": [to]},
            Content={
                "Simple": {
                    "Subject": {"Data": subject, "Charset": "UTF-8"},
                    "Body": {"Text": {"Data": body, "Charset": "UTF-8"}},
                }
            },
        )
    except (BotoCoreError, ClientError) as exc:
        raise ProviderError(f"SES: {exc}") from exc
    return str(response["MessageId"])


def send_sms(phone: str, text: str) -> str:
    try:
        response = aws.client("sns").publish(PhoneNumber=phone, Message=text)
    except (BotoCoreError, ClientError) as exc:
        raise ProviderError(f"SNS: {exc}") from exc
    return str(response["MessageId"])
