"""Engine, session, declarative Base and the tenant scoping that fails closed.

Three layers keep one kabupaten's data away from another's (DESIGN.md, principle 4):
1. every tenant-owned table leads its primary key, unique constraints and foreign keys with
   `tenant_id` (`TenantScoped`, `tenant_fk`), so a row cannot reference another tenant's row;
2. every ORM query of a tenant-owned model is filtered to the current tenant and every insert is
   stamped with it; with no current tenant such a query raises `TenantNotSet`
   (platform-wide code opts out with `all_tenants()`, visibly);
3. on PostgreSQL the tenant is also set per transaction with `set_config(..., true)` for the
   row-level security policies created by the migrations (see `rls_statements`).
"""
from __future__ import annotations

import contextlib
import contextvars
import os
import time
import uuid
from collections.abc import Iterator
from datetime import datetime, timezone
from typing import Any, TypeVar

from sqlalchemy import (
    JSON,
    DateTime,
    ForeignKey,
    ForeignKeyConstraint,
    MetaData,
    Uuid,
    create_engine,
    event,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.types import TypeDecorator
from sqlalchemy.sql.util import find_tables
from sqlalchemy.orm import (
    DeclarativeBase,
    Mapped,
    ORMExecuteState,
    Session,
    declared_attr,
    mapped_column,
    scoped_session,
    sessionmaker,
    with_loader_criteria,
)

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_N_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


# JSONB on PostgreSQL (indexable, comparable), plain JSON elsewhere.
JSONDoc = JSON().with_variant(JSONB(), "postgresql")


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamp stored and returned in UTC, timezone-aware on every backend (SQLite keeps
    no offset: without this, times would come back naive there and aware on PostgreSQL)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime: give Kesos timestamps a timezone (utcnow())")
        return value.astimezone(timezone.utc)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)
        return value


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def new_id() -> uuid.UUID:
    """A time-ordered UUID (version 7 layout): ids that cannot be guessed or enumerated, yet
    insert in index order."""
    ms = time.time_ns() // 1_000_000
    rand = int.from_bytes(os.urandom(10), "big")
    rand_a = (rand >> 62) & 0xFFF
    rand_b = rand & ((1 << 62) - 1)
    value = (ms & ((1 << 48) - 1)) << 80 | 0x7 << 76 | rand_a << 64 | 0b10 << 62 | rand_b
    return uuid.UUID(int=value)



class Timestamped:
    created_at: Mapped[datetime] = mapped_column(
        UTCDateTime, default=utcnow, sort_order=90
    )


class TenantScoped:
    """Mixin for every tenant-owned table: `tenant_id` leads the primary key.

    Queries of these models are filtered to the current tenant; inserts are stamped with it.
    """

    @declared_attr
    def tenant_id(cls) -> Mapped[uuid.UUID]:
        # RESTRICT: a tenant is deactivated, never deleted, while it has data (nothing is lost).
        return mapped_column(
            Uuid, ForeignKey("tenants.id", ondelete="RESTRICT"), primary_key=True, sort_order=-10
        )


class TenantEntity(TenantScoped):
    """A tenant-owned row with its own id: primary key `(tenant_id, id)` (as Citus recommends)."""

    @declared_attr
    def id(cls) -> Mapped[uuid.UUID]:
        return mapped_column(Uuid, primary_key=True, default=new_id, sort_order=-9)


def tenant_fk(columns: list[str], target: str, *, ondelete: str = "RESTRICT") -> ForeignKeyConstraint:
    """A composite foreign key `(tenant_id, <columns>) → <target>(tenant_id, id)`: a row can
    only ever point at a row of its own tenant."""
    return ForeignKeyConstraint(
        ["tenant_id", *columns],
        [f"{target}.tenant_id", f"{target}.id"],
        ondelete=ondelete,
    )


_E = TypeVar("_E", bound="TenantEntity")


def get_owned(session: Session, model: type[_E], entity_id: uuid.UUID | None) -> _E | None:
    """A row of the current tenant by its id (the primary key is `(tenant_id, id)`)."""
    tid = _current_tenant.get()
    if tid is None:
        raise TenantNotSet(f"get of {model.__name__} with no current tenant")
    if entity_id is None:
        return None
    return session.get(model, (tid, entity_id))


def undone_by(owner: Any, transaction: Any) -> bool:
    """Whether what was done in the session transaction `owner` is undone when `transaction`
    rolls back: the outermost one undoes everything, a savepoint only what was done inside it
    (queued jobs, stored files)."""
    if transaction.parent is None or owner is None:
        return True
    node = owner
    while node is not None:
        if node is transaction:
            return True
        node = node.parent
    return False


def tenant_owned_tables() -> list[str]:
    """Names of every tenant-owned table in the metadata (used for RLS and its tests)."""
    names = []
    for mapper in Base.registry.mappers:
        if issubclass(mapper.class_, TenantScoped) and mapper.local_table is not None:
            names.append(mapper.local_table.name)
    return sorted(set(names))


# --------------------------------------------------------------------------------------------
# The current tenant
# --------------------------------------------------------------------------------------------

_current_tenant: contextvars.ContextVar[uuid.UUID | None] = contextvars.ContextVar(
    "kesos_current_tenant", default=None
)
_all_tenants: contextvars.ContextVar[bool] = contextvars.ContextVar(
    "kesos_all_tenants", default=False
)


class TenantNotSet(RuntimeError):
    """A tenant-owned model was touched with no current tenant: a bug, never a user error."""


class CrossTenantWrite(RuntimeError):
    """An attempt to write a row for a tenant other than the current one."""


def current_tenant_id() -> uuid.UUID | None:
    return _current_tenant.get()


@contextlib.contextmanager
def tenant_context(tenant_id: uuid.UUID | None, session: Session | None = None) -> Iterator[None]:
    """Run a block as `tenant_id`; with `session`, also set it on the open PostgreSQL
    transaction (RLS), since `after_begin` has already run for it, and flush on leaving."""
    token = _current_tenant.set(tenant_id)
    try:
        if session is not None:
            apply_tenant_to_transaction(session)
        yield
        if session is not None:
            # Pending writes made as this tenant are flushed as this tenant (RLS checks them
            # against it), not later under whatever tenant is current at commit.
            session.flush()
    finally:
        _current_tenant.reset(token)
        if session is not None and session.in_transaction():
            apply_tenant_to_transaction(session)


def set_tenant(tenant_id: uuid.UUID | None, session: Session | None = None) -> None:
    """Set the current tenant for the rest of this context (a request or a job)."""
    _current_tenant.set(tenant_id)
    if session is not None:
        apply_tenant_to_transaction(session)


@contextlib.contextmanager
def all_tenants() -> Iterator[None]:
    """Explicit, visible opt-out of tenant scoping for platform-wide code (e.g. the daily tick
    enumerating tenants). Never use it in request handling of tenant resources."""
    token = _all_tenants.set(True)
    try:
        yield
    finally:
        _all_tenants.reset(token)


def apply_tenant_to_transaction(session: Session) -> None:
    if not session.in_transaction():
        return
    conn = session.connection()
    _set_config(conn)


def _set_config(conn: Any) -> None:
    if conn.dialect.name != "postgresql":
        return
    tid = _current_tenant.get()
    # set_config(..., true) is transaction-local: a pooled connection never carries a tenant
    # into the next transaction (plain SET would).
    conn.execute(
        text("SELECT set_config('kesos.tenant_id', :tid, true)"),
        {"tid": str(tid) if tid else ""},
    )


@event.listens_for(Session, "after_begin")
def _tenant_on_begin(session: Session, transaction: Any, connection: Any) -> None:
    _set_config(connection)


_tenant_tables_cache: tuple[int, frozenset[str]] = (-1, frozenset())


def _tenant_table_names() -> frozenset[str]:
    global _tenant_tables_cache
    count = len(Base.registry.mappers)
    if _tenant_tables_cache[0] != count:  # plugins add models at import: recompute then only
        _tenant_tables_cache = (count, frozenset(tenant_owned_tables()))
    return _tenant_tables_cache[1]


def _touches_tenant_tables(state: ORMExecuteState) -> bool:
    if any(issubclass(m.class_, TenantScoped) for m in state.all_mappers):
        return True
    # `select(func.count()).select_from(Model)`, subqueries, joins: the entity list does not
    # show them, the statement's tables do.
    owned = _tenant_table_names()
    return any(
        getattr(t, "name", None) in owned
        for t in find_tables(state.statement, check_columns=True, include_aliases=True, include_joins=True)
    )


@event.listens_for(Session, "do_orm_execute")
def _scope_to_tenant(state: ORMExecuteState) -> None:
    if state.is_column_load or not (state.is_select or state.is_update or state.is_delete):
        return
    if _all_tenants.get() or state.execution_options.get("kesos_all_tenants"):
        return
    if not _touches_tenant_tables(state):
        return
    tid = _current_tenant.get()
    if tid is None:
        raise TenantNotSet(
            "query of a tenant-owned model with no current tenant; set one with "
            "tenant_context() or opt out explicitly with all_tenants()"
        )
    state.statement = state.statement.options(
        with_loader_criteria(TenantScoped, lambda cls: cls.tenant_id == tid, include_aliases=True)
    )


@event.listens_for(Session, "before_flush")
def _stamp_tenant(session: Session, flush_context: Any, instances: Any) -> None:
    tid = _current_tenant.get()
    for obj in session.new:
        if not isinstance(obj, TenantScoped):
            continue
        if obj.tenant_id is None:
            if tid is None:
                raise TenantNotSet(f"insert of {type(obj).__name__} with no current tenant")
            obj.tenant_id = tid
        elif tid is not None and obj.tenant_id != tid:
            raise CrossTenantWrite(f"{type(obj).__name__} stamped for another tenant")
        elif tid is None and not _all_tenants.get():
            raise TenantNotSet(f"insert of {type(obj).__name__} with no current tenant")
    for obj in session.dirty:
        if isinstance(obj, TenantScoped) and tid is not None and obj.tenant_id != tid:
            raise CrossTenantWrite(f"{type(obj).__name__} belongs to another tenant")


# --------------------------------------------------------------------------------------------
# Engine and session
# --------------------------------------------------------------------------------------------


def make_engine(url: str, **kwargs: Any) -> Engine:
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
        engine = create_engine(url, **kwargs)

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA busy_timeout=5000")
            cur.close()

        return engine
    # pool_pre_ping: a pooled connection the server dropped (restart, failover,
    # pg_terminate_backend) is replaced at checkout, so the app recovers without a restart.
    # connect_timeout: an unreachable server fails a request in seconds (503), not minutes.
    if "connect_timeout" not in make_url(url).query:
        kwargs["connect_args"] = {"connect_timeout": 5, **kwargs.get("connect_args", {})}
    return create_engine(url, pool_pre_ping=True, **kwargs)


# SQLSTATE classes meaning "the server is not there for us right now": connection exceptions
# (08…), the server shutting down or restarting (57P01–57P03), no connection slot left (53300).
_UNAVAILABLE_SQLSTATES = ("08", "57P01", "57P02", "57P03", "53300")


def database_unavailable(exc: BaseException) -> bool:
    """Whether `exc` says the database cannot be reached (answered with 503 and retried by a
    job), as opposed to an error of the statement itself (a bug or a constraint)."""
    if isinstance(exc, PoolTimeout):
        return True  # every pooled connection is busy or stuck
    if not isinstance(exc, DBAPIError):
        return False
    if exc.connection_invalidated:
        return True
    if not isinstance(exc, (OperationalError, InterfaceError)):
        return False
    if not hasattr(exc.orig, "sqlstate"):
        return False  # not psycopg (SQLite: "database is locked" is not an outage)
    sqlstate = exc.orig.sqlstate  # type: ignore[union-attr]
    # None: failed on the client side, i.e. connecting or the connection was lost.
    return sqlstate is None or sqlstate.startswith(_UNAVAILABLE_SQLSTATES)


class Database:
    """One engine and a scoped session per thread (a request or a job is one unit of work)."""

    def __init__(self, url: str, **engine_kwargs: Any) -> None:
        self.url = url
        self.engine = make_engine(url, **engine_kwargs)
        self.session_factory = sessionmaker(bind=self.engine, expire_on_commit=False)
        self.session = scoped_session(self.session_factory)

    @contextlib.contextmanager
    def unit_of_work(self, tenant_id: uuid.UUID | None = None) -> Iterator[Session]:
        """A fresh session as one transaction: committed on success, rolled back on error."""
        session = self.session_factory()
        token = _current_tenant.set(tenant_id)
        try:
            with session.begin():
                yield session
        finally:
            _current_tenant.reset(token)
            session.close()

    def dispose(self) -> None:
        self.session.remove()
        self.engine.dispose()
