"""The payment-provider port and its two adapters.

Every call carries an idempotency key (the order id): a retried charge never charges twice, and `void`
makes sure a charge whose answer was lost (a timeout) leaves no money taken.

- `LocalProvider` (`STRATUS_PAYMENT_PROVIDER=local`, the default): test tokens as Stripe's —
  `tok_visa` succeeds, `tok_chargeDeclined` declines, `tok_timeout` never answers (the call gives up after
  `STRATUS_PAYMENT_TIMEOUT` seconds). Its ledger is in memory: a stand-in for the provider, one process.
- `StripeProvider` (`STRATUS_PAYMENT_PROVIDER=stripe`, `STRIPE_SECRET_KEY`): PaymentIntents confirmed at
  once, refunds, cancellation; the same port, over Stripe's form-encoded HTTP API.
"""

from __future__ import annotations

import json
import os
import threading
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from shared.context import new_id


class PaymentDeclined(Exception):
    """The provider refused the charge (a final answer: not retried)."""


class PaymentTimeout(Exception):
    """No answer in time: whether money moved is unknown until `void` settles it."""


class PaymentUnavailable(Exception):
    """The provider could not be reached or failed (retryable)."""


@dataclass(frozen=True)
class Charge:
    charge_id: str
    amount: int
    currency: str


class PaymentProvider(Protocol):
    def charge(self, *, amount: int, currency: str, token: str, key: str) -> Charge: ...

    def refund(self, *, charge_id: str, key: str) -> None: ...

    def void(self, *, key: str) -> None:
        """Make sure nothing stays charged under `key` (cancel it, or refund it if it completed)."""
        ...


def timeout_seconds() -> float:
    return float(os.environ.get("STRATUS_PAYMENT_TIMEOUT", "10"))


# Stripe's test tokens, not secrets.
TIMEOUT_TOKEN = "tok_timeout"  # noqa: S105
DECLINED_TOKEN = "tok_chargeDeclined"  # noqa: S105


class LocalProvider:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.charges: dict[str, Charge] = {}  # by idempotency key
        self.refunded: set[str] = set()  # charge ids
        self._hang = threading.Event()  # never set: what `tok_timeout` waits on

    def charge(self, *, amount: int, currency: str, token: str, key: str) -> Charge:
        if token == TIMEOUT_TOKEN:
            self._hang.wait(timeout_seconds())
            raise PaymentTimeout("The payment provider did not answer")
        if token == DECLINED_TOKEN:
            raise PaymentDeclined("Your card was declined.")
        with self._lock:
            found = self.charges.get(key)
            if found is None:
                found = self.charges[key] = Charge(new_id("ch_"), amount, currency)
            return found

    def refund(self, *, charge_id: str, key: str) -> None:
        with self._lock:
            self.refunded.add(charge_id)

    def void(self, *, key: str) -> None:
        with self._lock:
            found = self.charges.get(key)
            if found is not None:
                self.refunded.add(found.charge_id)

    def captured(self) -> int:
        """Money held (charged, not refunded), for tests and the stock-race figure."""
        with self._lock:
            return sum(c.amount for c in self.charges.values() if c.charge_id not in self.refunded)


Send = Callable[[urllib.request.Request, float], tuple[int, dict[str, object]]]


def _send(request: urllib.request.Request, timeout: float) -> tuple[int, dict[str, object]]:
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 - fixed https host
            return int(response.status), json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read() or b"{}")
    except TimeoutError as exc:
        raise PaymentTimeout(str(exc)) from exc
    except OSError as exc:
        raise PaymentUnavailable(str(exc)) from exc


class StripeProvider:
    """Stripe's PaymentIntents API (https://docs.stripe.com/api/payment_intents)."""

    BASE = "https://api.stripe.com/v1"

    def __init__(self, secret_key: str, send: Send = _send) -> None:
        self.secret_key = secret_key
        self.send = send

    def _post(self, path: str, form: dict[str, str], key: str) -> tuple[int, dict[str, object]]:
        request = urllib.request.Request(  # noqa: S310 - fixed https host
            f"{self.BASE}{path}",
            data=urllib.parse.urlencode(form).encode(),
            method="POST",
            headers={"Authorization": f"Bearer {self.secret_key}", "Idempotency-Key": key},
        )
        return self.send(request, timeout_seconds())

    def charge(self, *, amount: int, currency: str, token: str, key: str) -> Charge:
        status, body = self._post(
            "/payment_intents",
            {
                "amount": str(amount),
                "currency": currency.lower(),
                "payment_method_data[type]": "card",
                "payment_method_data[card][token]": token,
                "confirm": "true",
                "automatic_payment_methods[enabled]": "true",
                "automatic_payment_methods[allow_redirects]": "never",
                "metadata[orderKey]": key,
            },
            f"charge-{key}",
        )
        if status == 402 or (status < 300 and body.get("status") != "succeeded"):
            error = body.get("error")
            message = error.get("message") if isinstance(error, dict) else None
            raise PaymentDeclined(str(message or "The card was declined"))
        if status >= 300:
            raise PaymentUnavailable(f"Stripe answered {status}")
        return Charge(str(body["id"]), amount, currency)

    def refund(self, *, charge_id: str, key: str) -> None:
        status, _ = self._post("/refunds", {"payment_intent": charge_id}, f"refund-{key}")
        if status >= 300:
            raise PaymentUnavailable(f"Stripe answered {status} to a refund")

    def void(self, *, key: str) -> None:
        """The intents tagged with this order (metadata, set on the charge): refunded or cancelled."""
        query = urllib.parse.urlencode({"query": f"metadata['orderKey']:'{key}'"})
        request = urllib.request.Request(  # noqa: S310 - fixed https host
            f"{self.BASE}/payment_intents/search?{query}",
            headers={"Authorization": f"Bearer {self.secret_key}"},
        )
        status, body = self.send(request, timeout_seconds())
        if status >= 300:
            raise PaymentUnavailable(f"Stripe answered {status} to a search")
        found = body.get("data")
        for intent in found if isinstance(found, list) else []:
            if intent.get("status") == "succeeded":
                self.refund(charge_id=str(intent["id"]), key=key)
            elif intent.get("status") != "canceled":
                self._post(f"/payment_intents/{intent['id']}/cancel", {}, f"cancel-{key}")


_provider: PaymentProvider | None = None
_lock = threading.Lock()


def provider() -> PaymentProvider:
    """The configured provider, made once per container."""
    global _provider
    with _lock:
        if _provider is None:
            if os.environ.get("STRATUS_PAYMENT_PROVIDER", "local") == "stripe":
                _provider = StripeProvider(os.environ["STRIPE_SECRET_KEY"])
            else:
                _provider = LocalProvider()
        return _provider


def use(chosen: PaymentProvider | None) -> None:
    """Replace the provider (tests)."""
    global _provider
    with _lock:
        _provider = chosen
