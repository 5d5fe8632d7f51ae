"""The workflow engine's vocabulary: case types, stages, guards.

A plugin declares its case types (`kesos_register_case_types`): the ordered stages, which moves
are allowed, and the guards that must pass before a stage is entered. Guards read their
parameters from the case's pinned regulation profile and refuse with `RuleViolation`.
"""
from __future__ import annotations

import uuid
from datetime import date
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from marshmallow import Schema

from core.rules import RuleViolation

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from core.cases.models import Case
    from core.regulations.profiles import RegulationProfile
    from core.tenancy.models import Tenant


@dataclass(frozen=True)
class Stage:
    code: str
    label: str


@dataclass
class CaseContext:
    """What a guard or an opening check sees."""

    session: Session
    tenant: Tenant
    case: Case
    profile: RegulationProfile
    actor_id: uuid.UUID | None
    data: dict[str, Any]
    from_stage: str | None = None
    to_stage: str | None = None


Guard = Callable[[CaseContext], None]


@dataclass
class AssignContext:
    """What an assignment guard sees: who is being assigned to which case, in which role
    (`peran`, e.g. "utama" or "pendukung"), on which date."""

    session: Session
    tenant: Tenant
    case: Case
    profile: RegulationProfile
    user_id: uuid.UUID
    peran: str
    on: date
    actor_id: uuid.UUID | None


AssignGuard = Callable[[AssignContext], None]


@dataclass(frozen=True)
class CaseType:
    """A kind of case a plugin handles, with its workflow.

    - `stages`: in order; a case opens in the first and may only move to the next one unless
      `transitions` says otherwise (e.g. a case may be closed early).
    - `order_parameter`: the profile parameter whose citation is given when a move is refused
      for being out of order (e.g. the stages of PP 39/2012 Pasal 7 ayat (2)).
    - `data_schema`: validates the plugin data given when a case is opened.
    - `advance_schema`: validates the data recorded with a move (per target stage, or "*").
    - `on_open`: checks run when a case is opened (e.g. target group, duration bounds).
    - `guards`: checks per target stage, run before the move is recorded.
    - `final_stages`: entering one closes the case.
    - `assign_guards`: checks run before a worker is assigned (e.g. a valid licence).
    - `closable_stages`: stages at which the case may be closed without moving (e.g. after
      aftercare); `close_guards` run first.
    - `assignment_roles`: the `peran` values a worker may be assigned in (empty: any).
    """

    name: str
    plugin: str
    label: str
    stages: tuple[Stage, ...]
    order_parameter: str
    subject_types: tuple[str, ...] = ("person",)
    data_schema: type[Schema] | None = None
    advance_schemas: Mapping[str, type[Schema]] = field(default_factory=dict)
    on_open: tuple[Guard, ...] = ()
    guards: Mapping[str, tuple[Guard, ...]] = field(default_factory=dict)
    transitions: Mapping[str, tuple[str, ...]] | None = None
    final_stages: tuple[str, ...] = ()
    assign_guards: tuple[AssignGuard, ...] = ()
    closable_stages: tuple[str, ...] = ()
    close_guards: tuple[Guard, ...] = ()
    assignment_roles: tuple[str, ...] = ()

    @property
    def stage_codes(self) -> tuple[str, ...]:
        return tuple(s.code for s in self.stages)

    def allowed_targets(self, from_stage: str) -> tuple[str, ...]:
        if self.transitions is not None and from_stage in self.transitions:
            return self.transitions[from_stage]
        codes = self.stage_codes
        i = codes.index(from_stage)
        return codes[i + 1 : i + 2]

    def check_move(self, profile: RegulationProfile, from_stage: str, to_stage: str) -> None:
        """Refuse a move to an unknown stage or out of order, citing the article that orders
        the stages."""
        if to_stage not in self.stage_codes:
            raise RuleViolation(
                "tahap_tidak_dikenal",
                f"Tahap '{to_stage}' tidak dikenal untuk jenis kasus {self.label}.",
                profile.citation(self.order_parameter),
            )
        allowed = self.allowed_targets(from_stage)
        if to_stage not in allowed:
            labels = {s.code: s.label for s in self.stages}
            expected = ", ".join(labels[s] for s in allowed) or "tidak ada (tahap terakhir)"
            raise RuleViolation(
                "tahap_tidak_berurutan",
                f"Kasus berada di tahap {labels[from_stage]}; tahap berikutnya yang sah: "
                f"{expected}. Tahap tidak boleh dilompati.",
                profile.citation(self.order_parameter),
            )
