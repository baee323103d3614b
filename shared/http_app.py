"""`HttpApp`: the one HTTP function shape, on Powertools' HTTP API resolver.

A function module is:

    app = HttpApp(SERVICE.function("health"))

    @app.endpoint
    def health() -> HealthReport: ...

    def handler(event, context):
        return app.resolve(event, context)

`HttpApp` binds the request context, checks the caller (on internal routes a service token from a service
of a higher layer, or of its own; on protected ones the authorizer's verified user), validates input with
pydantic, wraps the returned model in seed 000's envelope and turns every exception into the error
envelope — here, and nowhere else.
"""

from __future__ import annotations

import functools
import hmac
import json
import re
from collections.abc import Callable, Mapping
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any, TypeVar

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, Response
from aws_lambda_powertools.event_handler.exceptions import NotFoundError
from aws_lambda_powertools.event_handler.openapi.exceptions import RequestValidationError
from aws_lambda_powertools.utilities.data_classes import APIGatewayProxyEventV2
from aws_lambda_powertools.utilities.typing import LambdaContext

from shared import context as request_context
from shared import envelopes, observability, request_body, request_metrics, service_token
from shared.config import settings
from shared.context import Headers, RequestContext, UserContext, new_id
from shared.declarations import Auth, Function, Layer
from shared.errors import (
    Forbidden,
    InternalError,
    InvalidRequest,
    InvalidToken,
    NotFound,
    StratusError,
    check_body_size,
    error_for,
)
from shared.tenant_header import require_credential_tenant
from shared.wire import IDEMPOTENCY_KEY

if TYPE_CHECKING:
    from shared.idempotent_calls import IdempotentCalls

F = TypeVar("F", bound=Callable[..., Any])
JSON = "application/json"

# Powertools keeps the current event on a class attribute shared by every resolver; the local runner
# serves many requests at once and nests in-process calls, so each HttpApp reads its own from here.
_event: ContextVar[APIGatewayProxyEventV2 | None] = ContextVar("stratus_http_event", default=None)
_lambda_context: ContextVar[LambdaContext | None] = ContextVar("stratus_lambda_context", default=None)
# Powertools' routing state (the matched route, the validated arguments) is a dict on the resolver:
# two requests resolving at once would call each other's handler arguments. One dict per request.
_routing: ContextVar[dict[str, Any] | None] = ContextVar("stratus_routing_context", default=None)
_LOG_KEYS = ("request_id", "correlation_id", "tenant_id", "caller")


class HttpApp(APIGatewayHttpResolver):
    """`anonymous=True` (a `user` route some of whose callers need no credential, e.g. an app's public
    endpoints): a request the authorizer found *no* valid credential on (none sent, or a bearer that is not
    an access token) reaches the handler with no user, and the handler decides; every other refusal
    (expired, suspended, rate limited) is still answered as it is.
    `form=True`: the route also takes an `application/x-www-form-urlencoded` body (`shared.request_body`)."""

    def __init__(self, function: Function, *, anonymous: bool = False, form: bool = False) -> None:
        super().__init__(enable_validation=True)
        self.function = function
        self.anonymous = anonymous
        self.form = form
        self.declared = function.route
        self.service = function.service
        self.logger = observability.logger(function.service)
        self.use(middlewares=[_envelope])
        self._idempotent_calls: IdempotentCalls | None = None  # made on the first keyed call
        self.exception_handler(Exception)(self._error_response)

    # --- Powertools' per-request state, made per-context --------------------------------------------
    @property  # type: ignore[override]
    def current_event(self) -> APIGatewayProxyEventV2:
        event = _event.get()
        if event is None:
            raise RuntimeError("no event is being resolved")
        return event

    @current_event.setter
    def current_event(self, value: APIGatewayProxyEventV2) -> None:
        _event.set(value)

    @property
    def lambda_context(self) -> LambdaContext:
        context = _lambda_context.get()
        if context is None:
            raise RuntimeError("no event is being resolved")
        return context

    @lambda_context.setter
    def lambda_context(self, value: LambdaContext) -> None:
        _lambda_context.set(value)

    @property
    def context(self) -> dict[str, Any]:
        routing = _routing.get()
        if routing is None:  # outside `resolve` (Powertools' own constructor sets it): a dict of its own
            routing = {}
            _routing.set(routing)
        return routing

    @context.setter
    def context(self, value: dict[str, Any]) -> None:
        _routing.set(value)

    # --- registration -------------------------------------------------------------------------------
    def endpoint(self, func: F) -> F:
        """Register `func` as this function's one route, exactly as declared (an `ANY` route: once per
        method it serves, each operation named `<function>-<method>`)."""
        doc = (func.__doc__ or "").strip()
        methods = self.declared.methods
        for method in methods:
            name = self.function.qualified_name
            self.route(
                rule=self.declared.rule,
                method=method,
                operation_id=name if len(methods) == 1 else f"{name}-{method.lower()}",
                tags=[self.service],
                summary=doc.splitlines()[0] if doc else None,
                description=doc or None,
                responses={self.declared.status: {"description": "Success"}},
            )(func)
        return func

    @staticmethod
    def _compile_regex(rule: str, base_regex: str = "^{}$") -> Any:
        """Powertools' rule regex, plus API Gateway's greedy parameter: `<proxy+>` matches the rest of the
        path, slashes included (Powertools' own `<name>` stops at a slash)."""
        greedy = re.findall(r"<(\w+)\+>", rule)
        marked = re.sub(r"<(\w+)\+>", r"GREEDY__\1__", rule)
        pattern = APIGatewayHttpResolver._compile_regex(marked, base_regex).pattern
        for name in greedy:
            pattern = pattern.replace(f"GREEDY__{name}__", f"(?P<{name}>.+)")
        return re.compile(pattern)

    # --- the entry point ----------------------------------------------------------------------------
    def resolve(self, event: Mapping[str, Any], context: LambdaContext) -> dict[str, Any]:
        proxy = APIGatewayProxyEventV2(dict(event))
        event_token = _event.set(proxy)
        context_token = _lambda_context.set(context)
        routing_token = _routing.set({})
        headers = {k.lower(): v for k, v in (event.get("headers") or {}).items()}
        ctx = RequestContext.from_headers(
            headers,
            service=self.service,
            source_ip=proxy.request_context.http.source_ip,
            user_agent=proxy.request_context.http.user_agent,
        )
        edge_keys = {"request_id": ctx.request_id, "correlation_id": ctx.correlation_id}
        try:
            with request_context.bound(ctx), observability.log_keys(self.logger, **edge_keys):
                try:
                    ctx = self._authenticate(ctx, proxy, headers)
                    request_body.check(
                        proxy.get("body"),
                        is_base64=bool(proxy.get("isBase64Encoded")),
                        content_type=headers.get("content-type"),
                        form=self.form,
                    )
                except StratusError as exc:
                    result = self._build_response_for(exc)
                else:
                    if proxy.get("body") and not (
                        self.form and request_body.is_form(headers.get("content-type"))
                    ):
                        # Checked above as JSON in UTF-8; Powertools matches the media type to the letter.
                        event = {**event, "headers": {**headers, "content-type": JSON}}
                        _event.set(APIGatewayProxyEventV2(dict(event)))
                    with request_context.bound(ctx):
                        self._log_keys(ctx)
                        result = self._run(ctx, headers, proxy, event, context)
                result.setdefault("headers", {})["X-Request-ID"] = ctx.request_id
                self._observe(ctx, proxy, int(result["statusCode"]))
                return result
        finally:
            _event.reset(event_token)
            _lambda_context.reset(context_token)
            _routing.reset(routing_token)

    def _run(
        self,
        ctx: RequestContext,
        headers: Mapping[str, str],
        proxy: APIGatewayProxyEventV2,
        event: Mapping[str, Any],
        context: LambdaContext,
    ) -> dict[str, Any]:
        """The handler, once per idempotency key on a keyed internal call (a retry gets the first answer)."""
        execute = functools.partial(APIGatewayHttpResolver.resolve, self, dict(event), context)
        keyed = self.declared.auth in (Auth.SERVICE, Auth.SYSTEM) and not self.declared.idempotent
        if not keyed or ctx.caller is None or IDEMPOTENCY_KEY not in headers:
            return execute()
        if self._idempotent_calls is None:
            # Powertools idempotency is imported only by functions that get keyed calls (cold starts).
            from shared.idempotent_calls import IdempotentCalls

            self._idempotent_calls = IdempotentCalls(self.function)
        try:
            return self._idempotent_calls.run(
                caller=ctx.caller,
                headers=headers,
                path=proxy.raw_path,
                body=proxy.get("body"),
                context=context,
                execute=execute,
            )
        except StratusError as exc:
            return self._build_response_for(exc)

    def _authenticate(
        self, ctx: RequestContext, event: APIGatewayProxyEventV2, headers: Mapping[str, str]
    ) -> RequestContext:
        """Size limit first (cheapest), then who is calling. Returns the context with caller/user set."""
        body = event.get("body") or ""
        size = len(body) * 3 // 4 if event.get("isBase64Encoded") else len(body.encode())
        check_body_size(size)

        caller: str | None = None
        user: UserContext | None = None
        if self.declared.auth in (Auth.SERVICE, Auth.SYSTEM):
            verified = service_token.verify(
                headers.get(Headers.SERVICE_TOKEN),
                audience=self.service,
                claimed_caller=headers.get(Headers.SERVICE_NAME),
            )
            _refuse_upward_call(verified, self.function)
            caller = verified.name
            if self.declared.auth is Auth.SYSTEM:
                from shared import access_tokens  # RS256 (cryptography): only maintenance routes need it

                access_tokens.verify_system(headers.get(Headers.SYSTEM_TOKEN))
            if Headers.USER_CONTEXT in headers:
                user = UserContext.from_header(headers[Headers.USER_CONTEXT])
        elif self.declared.auth is Auth.METRICS:
            caller = _scraper_or_service(headers, self.function)
        elif self.declared.auth is Auth.USER:
            user = _authorizer_user(event, anonymous=self.anonymous)
            if user is not None:
                require_credential_tenant(headers.get(Headers.TENANT_ID), user.tenant_id)
        return ctx.model_copy(
            update={"caller": caller, "user": user, "tenant_id": user.tenant_id if user else None}
        )

    def _log_keys(self, ctx: RequestContext) -> None:
        # Request and correlation ids are on already; who is calling is known only now.
        self.logger.thread_safe_append_keys(tenant_id=ctx.tenant_id, caller=ctx.caller)
        observability.annotate(self.service, request_id=ctx.request_id, tenant_id=ctx.tenant_id)

    def _observe(self, ctx: RequestContext, event: APIGatewayProxyEventV2, status: int) -> None:
        duration = ctx.elapsed_ms()
        self.logger.info(
            "request",
            method=event.request_context.http.method,
            path=event.raw_path,
            status=status,
            duration_ms=duration,
        )
        observability.record_request(self.service, self.declared.key, status, duration, ctx.tenant_id)
        request_metrics.record(self.declared.method, self.declared.path, ctx.tenant_id, status, duration)

    # --- errors: the one place an exception becomes an envelope -------------------------------------
    def _error_response(self, exc: Exception) -> Response[str]:
        error = as_stratus_error(exc)
        if isinstance(error, InternalError) and error is not exc:
            self.logger.exception("unhandled error")
        ctx = request_context.current()
        body = envelopes.error(
            error, request_id=ctx.request_id if ctx else new_id("req_"), service=self.service
        )
        return Response(
            status_code=error.status,
            content_type=JSON,
            body=json.dumps(body, separators=(",", ":")),
            headers=error.headers,
        )

    def _build_response_for(self, exc: StratusError) -> dict[str, Any]:
        response = self._error_response(exc)
        builder = self._response_builder_class(response=response, serializer=self._serializer, route=None)
        return builder.build(self.current_event, self._cors)


def _envelope(app: HttpApp, next_middleware: Callable[[HttpApp], Response[Any]]) -> Response[Any]:
    """Wrap what the handler returned (already serialized by Powertools) in the success envelope."""
    response = next_middleware(app)
    if response.status_code == 200 and app.declared.status != 200:
        response.status_code = app.declared.status
    if response.status_code == 204:
        response.body = None
    elif response.is_json() and not isinstance(response.body, str | bytes):
        ctx = request_context.require()
        response.body = envelopes.success(response.body, ctx, settings().api_version)
    return response


SCRAPER = "prometheus"


def _scraper_or_service(headers: Mapping[str, str], function: Function) -> str:
    """A scrape target answers the stage's scrape token (`Authorization: Bearer`, STRATUS_METRICS_TOKEN),
    or a service token as on any internal route."""
    scheme, _, bearer = headers.get("authorization", "").partition(" ")
    if scheme.lower() == "bearer" and bearer:
        expected = settings().metrics_token
        if expected and hmac.compare_digest(bearer.strip().encode(), expected.encode()):
            return SCRAPER
        raise InvalidToken("The scrape token is not valid", field="Authorization")
    verified = service_token.verify(
        headers.get(Headers.SERVICE_TOKEN),
        audience=function.service,
        claimed_caller=headers.get(Headers.SERVICE_NAME),
    )
    _refuse_upward_call(verified, function)
    return verified.name


def _refuse_upward_call(caller: service_token.ServiceCaller, callee: Function) -> None:
    """Seed 000's layering at run time: a service calls only lower layers (its own service aside). The
    declarations say the same (`Registry.problems`); this holds it for whatever token arrives."""
    if caller.name == callee.service:
        return
    if caller.layer is None or callee.layer is None or caller.layer <= callee.layer:
        raise Forbidden(
            f"{caller.name} ({_layer_name(caller.layer)}) may not call {callee.service} "
            f"({_layer_name(callee.layer)}): a service calls only lower layers",
            field="X-Service-Token",
            details={"caller": caller.name, "callerLayer": _layer_name(caller.layer)},
        )


def _layer_name(layer: int | None) -> str:
    if layer is None:
        return "no layer"
    try:
        return Layer(layer).name.lower()
    except ValueError:
        return f"layer {layer}"


def _authorizer_user(event: APIGatewayProxyEventV2, *, anonymous: bool = False) -> UserContext | None:
    """The user the gateway's authorizer verified (HTTP API passes the authorizer's context through), or
    the exact error it refused the request with (`anonymous`: None when it found no valid credential)."""
    authorizer = (event.get("requestContext") or {}).get("authorizer") or {}
    context = authorizer.get("lambda") or {}
    if anonymous and not context.get("userContext") and context.get("errorCode") in (None, "INVALID_TOKEN"):
        return None
    if context.get("errorCode"):
        retry_after = context.get("retryAfter")
        raise error_for(
            str(context["errorCode"]),
            str(context.get("errorMessage") or ""),
            headers={"Retry-After": str(retry_after)} if retry_after else None,
        )
    encoded = context.get("userContext")
    if not encoded:
        raise InvalidToken("A valid access token is required")
    return UserContext.from_header(encoded)


def as_stratus_error(exc: Exception) -> StratusError:
    if isinstance(exc, StratusError):
        return exc
    if isinstance(exc, RequestValidationError):
        return _validation_error(exc)
    if isinstance(exc, NotFoundError):
        return NotFound("No such route")
    return InternalError()


def _validation_error(exc: RequestValidationError) -> InvalidRequest:
    problems = []
    for err in exc.errors():
        loc = [str(part) for part in err.get("loc", ())]
        where, path = (loc[0], loc[1:]) if loc else ("body", [])
        if err.get("type") == "json_invalid":
            return InvalidRequest("The request body is not valid JSON", field="body")
        problems.append(
            {
                "in": where,
                "field": ".".join(path) or where,
                "type": err.get("type"),
                "message": err.get("msg", "invalid"),
            }
        )
    first = problems[0] if problems else {"field": "body", "message": "invalid"}
    message = f"{first['field']}: {first['message']}"
    return InvalidRequest(message, field=str(first["field"]), details=problems)
