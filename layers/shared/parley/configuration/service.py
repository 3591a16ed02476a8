"""Zelinqa V1 configuration use cases: read (published, or the draft with the write scope too),
list questions, change the draft, publish it (an asynchronous compilation), follow a compilation,
read the audit log — and, for the compilations queue's function, compile.

The draft is the published catalog until a first change copies it; every batch of changes is
atomic and checked as a whole (``parley.configuration.changes``), conditioned on the revision it
read. Publishing queues one compilation at a time per tenant; the compilation checks the draft
revision it was given with the same validation as ``parley.admin load-config`` and publishes it
through the NBQ catalog store, where it gets its configuration id — sessions already created keep
the one they pinned. Mutations run once per ``Idempotency-Key`` (per tenant and operation).
"""

from __future__ import annotations

import base64
import csv
import dataclasses
import hashlib
import io
import secrets
from collections.abc import Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Protocol

from parley.configuration.checks import issue, issues_of
from parley.configuration.errors import (
    CompilationInProgress,
    ConfigurationInvalid,
    ScopeMissing,
    UnknownCompilation,
    UnknownConfiguration,
)
from parley.configuration.ports import (
    FAILED,
    QUEUED,
    RUNNING,
    SUCCEEDED,
    TERMINAL,
    AuditLog,
    Compilation,
    CompilationBusy,
    CompilationStore,
    Draft,
    DraftMoved,
    DraftStore,
)
from parley.configuration.view import configuration_view, question_csv_row, question_view
from parley.errors import IdempotencyKeyReused, Invalid, RequestInProgress
from parley.nbq.catalog import Catalog, catalog_document, parse_catalog
from parley.nbq.ports import IdempotencyGuard, NbqConfigRepository, configuration_id
from parley.queues.messages import CompilationRequested

if TYPE_CHECKING:
    from parley.configuration.models import (
        AuditQuery,
        ConfigurationChangesRequest,
        PublishRequest,
        QuestionsQuery,
    )

READ, WRITE, PUBLISH = "configuration:read", "configuration:write", "configuration:publish"


# Parsed configurations a container keeps (a few tenants' drafts and published ones).
PARSED_CATALOGS = 32


class Actor(Protocol):
    """Who calls: the authorizer's tenant, key prefix and scopes."""

    @property
    def tenant_id(self) -> str: ...
    @property
    def key_prefix(self) -> str: ...
    @property
    def scopes(self) -> frozenset[str]: ...


class TenantNames(Protocol):
    def name_of(self, tenant_id: str) -> str | None: ...


class CompilationQueue(Protocol):
    def send(self, message: CompilationRequested) -> None: ...


class ConfigurationService:
    def __init__(
        self,
        drafts: DraftStore,
        compilations: CompilationStore,
        audit: AuditLog,
        catalogs: NbqConfigRepository,
        tenants: TenantNames,
        queue: CompilationQueue | None = None,
        idempotency: IdempotencyGuard | None = None,
        *,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
        new_id: Callable[[], str] = lambda: "cmp_" + secrets.token_hex(10),
    ) -> None:
        self._drafts = drafts
        self._compilations = compilations
        self._audit = audit
        self._catalogs = catalogs
        self._tenants = tenants
        self._queue = queue
        self._idempotency = idempotency
        self._now = now
        self._new_id = new_id
        self._parsed: dict[tuple[str, str, object], Catalog] = {}

    # --------------------------------------------------------------------------------------------
    # Reads
    # --------------------------------------------------------------------------------------------
    def read(self, actor: Actor, state: str) -> dict[str, Any]:
        catalog, extra = self._catalog(actor, state)
        name = self._tenants.name_of(actor.tenant_id) or actor.tenant_id
        return {"state": state, **extra, **configuration_view(catalog, name)}

    def questions(self, actor: Actor, query: QuestionsQuery) -> dict[str, Any] | str:
        """One page of questions (JSON), or every matching one as CSV (pagination ignored)."""
        catalog, _ = self._catalog(actor, query.state)
        views = [question_view(catalog, q) for q in catalog.questions]
        needle = query.search.casefold() if query.search else None
        matching = [
            v
            for v in views
            if (query.dimension_id is None or v["dimension_id"] == query.dimension_id)
            and (query.active is None or v["active"] == query.active)
            and (query.type is None or v["type"] == query.type)
            and (needle is None or needle in v["text"].casefold() or needle in v["id"].casefold())
        ]
        if query.format == "csv":
            out = io.StringIO()
            writer = csv.writer(out, lineterminator="\n")
            writer.writerow(["id", "text", "type", "choices", "dimension_id", "active"])
            writer.writerows(question_csv_row(v) for v in matching)
            return out.getvalue()
        start = _offset(query.cursor)
        page = matching[start : start + query.limit]
        end = start + len(page)
        next_cursor = _cursor(end) if end < len(matching) else None
        return {"state": query.state, "questions": page, "next_cursor": next_cursor, "total": len(matching)}

    def compilation(self, tenant_id: str, compilation_id: str) -> dict[str, Any]:
        found = self._compilations.get(tenant_id, compilation_id) if len(compilation_id) <= 128 else None
        if found is None:
            raise UnknownCompilation(compilation_id)
        return _compilation_view(found)

    def audit(self, tenant_id: str, query: AuditQuery) -> dict[str, Any]:
        page = self._audit.page(tenant_id, query.limit, query.cursor, query.action, query.resource_type)
        return {"events": page.events, "next_cursor": page.next_cursor}

    # --------------------------------------------------------------------------------------------
    # Mutations
    # --------------------------------------------------------------------------------------------
    def apply(
        self, actor: Actor, key: str, request: ConfigurationChangesRequest, request_id: str
    ) -> dict[str, Any]:
        # Imported here: its pydantic models are the mutation's, not the readers' or the compiler's.
        from parley.configuration.changes import apply_changes

        def action() -> dict[str, Any]:
            draft, stored = self._current_draft(actor.tenant_id)
            _expect(request.expected_draft_revision, draft.revision)
            document = apply_changes(draft.document, request.changes)
            moment = self._now()
            revised = Draft(document, draft.revision + 1, _stamp(moment))
            try:
                self._drafts.save(actor.tenant_id, revised, draft.revision if stored else None)
            except DraftMoved as moved:
                raise _mismatch(draft.revision, moved.current) from None
            events = [
                _event(actor, request_id, moment, f"{change.entity}.{change.operation}", change.entity,
                       _entity_id(change), _diff(change))
                for change in request.changes
            ]  # fmt: skip
            self._audit.record(actor.tenant_id, events, int(moment.timestamp()))
            return {"draft_revision": revised.revision, "applied": len(request.changes), "warnings": []}

        return self._once(
            actor.tenant_id, "changes", key, request.model_dump(mode="json", by_alias=True), action
        )

    def publish(self, actor: Actor, key: str, request: PublishRequest, request_id: str) -> dict[str, Any]:
        def action() -> dict[str, Any]:
            draft = self._drafts.get(actor.tenant_id)
            if draft is None:
                raise UnknownConfiguration("draft")
            _expect(request.expected_draft_revision, draft.revision)
            moment = self._now()
            compilation = Compilation(
                self._new_id(), QUEUED, draft.revision, _stamp(moment), _stamp(moment),
                requested_by=_actor_id(actor), request_id=request_id,
            )  # fmt: skip
            try:
                self._compilations.start(
                    actor.tenant_id, compilation, draft.document, int(moment.timestamp())
                )
            except CompilationBusy as busy:
                raise CompilationInProgress(busy.compilation_id, busy.status) from None
            if self._queue is None:
                raise RuntimeError("publishing needs the compilations queue")
            try:
                self._queue.send(CompilationRequested(actor.tenant_id, compilation.compilation_id))
            except Exception:
                failed = _terminal(
                    compilation, FAILED, self._now(), error=_error("internal_error", "Not queued.")
                )
                self._compilations.update(actor.tenant_id, failed)
                raise
            diff = {"before": None, "after": {"draft_revision": draft.revision}}
            event = _event(
                actor, request_id, moment, "configuration.publish_requested", "configuration",
                compilation.compilation_id, diff,
            )  # fmt: skip
            self._audit.record(actor.tenant_id, [event], int(moment.timestamp()))
            return _compilation_view(compilation)

        return self._once(actor.tenant_id, "publish", key, request.model_dump(mode="json"), action)

    def compile(self, tenant_id: str, compilation_id: str) -> Compilation | None:
        """Compile a queued publication: check the draft revision it holds, then publish it. A
        compilation already finished is left as it is (a redelivered message)."""
        compilation = self._compilations.get(tenant_id, compilation_id)
        if compilation is None or compilation.status in TERMINAL:
            return compilation
        running = Compilation(**{**_fields(compilation), "status": RUNNING, "progress": 0.3,
                                 "updated_at": _stamp(self._now())})  # fmt: skip
        self._compilations.update(tenant_id, running)
        document = self._compilations.document(tenant_id, compilation_id) or {}
        catalog, found = issues_of(document)
        if catalog is None or found:
            error = _error("validation_failed", "The draft does not validate.", found)
            finished = _terminal(running, FAILED, self._now(), error=error)
        else:
            canonical = catalog_document(catalog)
            self._catalogs.put_catalog(
                tenant_id, catalog.version, canonical, published_at=_stamp(self._now())
            )
            finished = _terminal(running, SUCCEEDED, self._now(), version=configuration_id(canonical))
            self._audit.record(
                tenant_id, [_published_event(finished, self._now())], int(self._now().timestamp())
            )
        self._compilations.update(tenant_id, finished)
        return finished

    def publish_loaded(self, tenant_id: str, document: dict[str, Any], version: str) -> int:
        """Publish a catalog loaded by the admin command (checked by the caller with the same
        ``issues_of``): refused while a compilation runs, whose publication would overwrite it;
        a draft is replaced by the loaded catalog at its next revision, so the API edits what
        is published and an editor holding the old revision gets ``draft_revision_mismatch``;
        the audit log records it. The catalog's compressed size."""
        moment = self._now()
        busy = self._compilations.holder(tenant_id, int(moment.timestamp()))
        if busy is not None:
            raise CompilationInProgress(busy.compilation_id, busy.status)
        size = self._catalogs.put_catalog(tenant_id, version, document, published_at=_stamp(moment))
        for _ in range(3):
            draft = self._drafts.get(tenant_id)
            if draft is None:
                break
            try:
                self._drafts.save(
                    tenant_id, Draft(document, draft.revision + 1, _stamp(moment)), draft.revision
                )
                break
            except DraftMoved:
                continue
        event = {
            **_event_base(moment, "configuration.published", "configuration", configuration_id(document)),
            "origin": "admin_cli",
            "actor": {"type": "operator", "id": "parley.admin"},
            "scopes": [],
            "request_id": "load-config",
            "diff": {"before": None, "after": {"version": version}},
            "details": {"source": "load-config"},
        }
        self._audit.record(tenant_id, [event], int(moment.timestamp()))
        return size

    # --------------------------------------------------------------------------------------------
    def _catalog(self, actor: Actor, state: str) -> tuple[Catalog, dict[str, Any]]:
        """The configuration ``state`` names, parsed — once per content in this container: a
        published configuration's id is its document's digest, and a draft only ever moves to a
        new revision (conditional writes), stamped when it does."""
        document, extra = self._document(actor, state)
        stamp = extra.pop("updated_at", None)
        marker = extra["configuration_version"] if state != "draft" else (extra["draft_revision"], stamp)
        if marker is None:  # a catalog stored before configurations had ids: parsed every time
            return parse_catalog(document), extra
        key = (actor.tenant_id, state, marker)
        catalog = self._parsed.get(key)
        if catalog is None:
            catalog = parse_catalog(document)
            if len(self._parsed) >= PARSED_CATALOGS:
                self._parsed.clear()
            self._parsed[key] = catalog
        return catalog, extra

    def _document(self, actor: Actor, state: str) -> tuple[dict[str, Any], dict[str, Any]]:
        if state == "draft":
            if not {READ, WRITE} <= actor.scopes:
                raise ScopeMissing({READ, WRITE}, actor.scopes)
            draft = self._drafts.get(actor.tenant_id)
            if draft is None:
                raise UnknownConfiguration("draft")
            return draft.document, {"draft_revision": draft.revision, "updated_at": draft.updated_at}
        published = self._catalogs.load_state(actor.tenant_id)
        if published.document is None:
            raise UnknownConfiguration("published")
        extra = {"configuration_version": published.configuration, "published_at": published.published_at}
        return published.document, extra

    def _current_draft(self, tenant_id: str) -> tuple[Draft, bool]:
        """The draft, or the published catalog as revision 0 of one (not stored yet)."""
        draft = self._drafts.get(tenant_id)
        if draft is not None:
            return draft, True
        published = self._catalogs.load_state(tenant_id)
        if published.document is None:
            raise UnknownConfiguration("published")
        return Draft(published.document, 0, published.published_at or ""), False

    def _once(
        self,
        tenant_id: str,
        operation: str,
        key: str,
        payload: dict[str, Any],
        action: Callable[[], dict[str, Any]],
    ) -> dict[str, Any]:
        if self._idempotency is None:
            raise RuntimeError("a configuration mutation needs an idempotency guard")
        scope = {"tenant_id": tenant_id, "session_id": "", "operation": operation, "idempotency_key": key}
        try:
            return self._idempotency.run(scope, {"body": payload}, action)
        except RequestInProgress as exc:
            exc.details.update({"idempotency_key": key, "retry_after_seconds": 1})
            raise
        except IdempotencyKeyReused as exc:
            exc.details.update({"idempotency_key": key})
            raise


# ------------------------------------------------------------------------------------------------
def _expect(expected: int | None, current: int) -> None:
    if expected is not None and expected != current:
        raise _mismatch(expected, current)


def _mismatch(expected: int, current: int | None) -> Invalid:
    return ConfigurationInvalid(
        [issue("draft_revision_mismatch", f"Expected revision {expected}, current revision {current}.")]
    )


def _compilation_view(c: Compilation) -> dict[str, Any]:
    return {
        "compilation_id": c.compilation_id,
        "status": c.status,
        "draft_revision": c.draft_revision,
        "created_at": c.created_at,
        "updated_at": c.updated_at,
        "progress": c.progress,
        "error": c.error,
        "configuration_version": c.configuration_version,
    }


def _fields(c: Compilation) -> dict[str, Any]:
    return dataclasses.asdict(c)


def _actor_id(actor: Actor) -> str:
    """The key as the audit log names it: a fingerprint of its display prefix, never the key."""
    return "key_" + hashlib.sha256(actor.key_prefix.encode()).hexdigest()[:24]


def _terminal(c: Compilation, status: str, moment: datetime, *, error: dict[str, Any] | None = None,
              version: str | None = None) -> Compilation:  # fmt: skip
    return Compilation(**{**_fields(c), "status": status, "progress": 1.0, "updated_at": _stamp(moment),
                          "error": error, "configuration_version": version})  # fmt: skip


def _error(code: str, message: str, details: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    return {"code": code, "message": message, **({"details": details} if details else {})}


def _entity_id(change: Any) -> str:
    if change.entity == "objective":
        return "objective"
    return str(getattr(change, change.entity).id)


def _diff(change: Any) -> dict[str, Any]:
    """A structural diff: which fields a change set (never editorial text: texts and labels are
    named, not copied)."""
    if change.entity == "objective":
        fields = change.objective.model_dump(exclude_none=True)
    else:
        fields = getattr(change, change.entity).model_dump(exclude_none=True, by_alias=True)
    after = {k: ("<text>" if k in ("text", "label", "name", "description") else v) for k, v in fields.items()}
    if "choices" in after:
        after["choices"] = [c["id"] for c in fields["choices"]]
    return {"before": None, "after": None if change.operation == "delete" else after}


def _event_base(moment: datetime, action: str, resource_type: str, resource_id: str) -> dict[str, Any]:
    return {
        "id": "aud_" + secrets.token_hex(10),
        # Milliseconds: the log reads newest first, and a publication follows its request closely.
        "occurred_at": moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.")
        + f"{moment.microsecond // 1000:03d}Z",
        "action": action,
        "resource": {"type": resource_type, "id": resource_id},
    }


def _event(actor: Actor, request_id: str, moment: datetime, action: str, resource_type: str, resource_id: str,
           diff: dict[str, Any]) -> dict[str, Any]:  # fmt: skip
    return {
        **_event_base(moment, action, resource_type, resource_id),
        "origin": "public_api",
        "actor": {"type": "api_key", "id": _actor_id(actor)},
        "scopes": sorted(actor.scopes),
        "request_id": request_id,
        "diff": diff,
        "details": {},
    }


def _published_event(finished: Compilation, moment: datetime) -> dict[str, Any]:
    """The compilation publishes on behalf of the key whose request queued it."""
    version = finished.configuration_version or ""
    return {
        **_event_base(moment, "configuration.published", "configuration", version),
        "origin": "public_api",
        "actor": {"type": "api_key", "id": finished.requested_by or finished.compilation_id},
        "scopes": [],
        "request_id": finished.request_id or finished.compilation_id,
        "diff": {"before": None, "after": {"draft_revision": finished.draft_revision}},
        "details": {"compilation_id": finished.compilation_id},
    }


def _offset(cursor: str | None) -> int:
    if cursor is None:
        return 0
    try:
        return max(int(base64.urlsafe_b64decode(cursor.encode()).decode().removeprefix("o:")), 0)
    except ValueError:
        raise Invalid.field("cursor is not one this API gave.", ("query", "cursor")) from None


def _cursor(offset: int) -> str:
    return base64.urlsafe_b64encode(f"o:{offset}".encode()).decode()


def _stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
