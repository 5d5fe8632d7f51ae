"""Regulation profiles: the law as data, each parameter with its citation.

A profile is a YAML file in a plugin's profiles/ directory (or tenants/<slug>/profiles/ for a
tenant-local variant). It may `extends:` another profile of the same plugin and override only
the parameters that differ. The resolved parameters are validated by the plugin's marshmallow
schema; a bad file stops start-up with an error that names the file and the field.
"""
from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import yaml
from marshmallow import RAISE, Schema, ValidationError, fields, validate

from core.rules import Citation

PROFILE_ID = validate.Regexp(r"^[a-z0-9][a-z0-9-]{1,98}[a-z0-9]$", error="id profil hanya huruf kecil, angka dan '-'")


class ProfileError(Exception):
    """A profile file that cannot be used; says which file and which field."""

    def __init__(self, source: str, field_path: str, message: str) -> None:
        super().__init__(f"{source}: {field_path}: {message}")
        self.source = source
        self.field_path = field_path
        self.message = message


@dataclass(frozen=True)
class ProfileSource:
    """What a plugin contributes through `kesos_register_profiles`: the schema of its
    parameters, the directories holding its YAML files, and the profile a tenant gets when it
    chooses none."""

    schema: type[Schema]
    directories: tuple[Path, ...]
    default_profile: str


@dataclass(frozen=True)
class Parameter:
    name: str
    value: Any
    raw: Any
    citation: Citation | None
    label: str | None
    defined_in: str


@dataclass(frozen=True)
class RegulationProfile:
    id: str
    plugin: str
    version: int
    title: str
    regulation: str
    extends: str | None
    effective_from: date
    parameters: Mapping[str, Parameter]
    source: str
    tenant: str | None = None  # slug for a tenant-local variant
    content_hash: str = ""

    def value(self, name: str) -> Any:
        return self.parameters[name].value

    def citation(self, name: str) -> Citation:
        param = self.parameters[name]
        return param.citation or Citation(self.regulation)

    def _header(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "plugin": self.plugin,
            "version": self.version,
            "title": self.title,
            "regulation": self.regulation,
            "extends": self.extends,
            "effective_from": self.effective_from.isoformat(),
        }

    def _parameters(self, cite: Any) -> dict[str, Any]:
        return {
            name: {
                "value": p.raw,
                "label": p.label,
                "citation": cite(p.citation) if p.citation else None,
                "defined_in": p.defined_in,
            }
            for name, p in self.parameters.items()
        }

    def to_dict(self) -> dict[str, Any]:
        """For people: each parameter with its citation as text."""
        return {**self._header(), "tenant_local": self.tenant is not None, "parameters": self._parameters(str)}

    def snapshot(self) -> dict[str, Any]:
        """What is stored when a case pins this profile: enough to judge the case by it later,
        even after the file has changed."""
        return {**self._header(), "tenant": self.tenant, "parameters": self._parameters(Citation.to_dict)}


class NamedDict(fields.Dict):
    """A `Dict` whose errors are keyed the way the file is written
    (`parameters.usia_minimum.citation.pasal`), without marshmallow's own "key"/"value" level
    (`parameters.usia_minimum.value.citation.pasal` names a field that is not in the file)."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Any:
        try:
            return super()._deserialize(value, attr, data, **kwargs)
        except ValidationError as exc:
            if not isinstance(exc.messages, dict):
                raise
            flat = {
                k: (v.get("key") or v.get("value")) if isinstance(v, dict) and v and set(v) <= {"key", "value"} else v
                for k, v in exc.messages.items()
            }
            raise ValidationError(flat, valid_data=exc.valid_data) from exc


class _CitationSchema(Schema):
    class Meta:
        unknown = RAISE

    regulation = fields.String(validate=validate.Length(min=1, max=200))
    pasal = fields.Raw(required=True)
    ayat = fields.Raw(load_default=None)
    huruf = fields.String(load_default=None)


class _ParameterSchema(Schema):
    class Meta:
        unknown = RAISE

    value = fields.Raw(required=True, allow_none=True)
    citation = fields.Nested(_CitationSchema, load_default=None)
    label = fields.String(load_default=None)


class _ProfileFileSchema(Schema):
    class Meta:
        unknown = RAISE

    id = fields.String(required=True, validate=PROFILE_ID)
    plugin = fields.String(required=True)
    version = fields.Integer(required=True, validate=validate.Range(min=1), strict=True)
    title = fields.String(required=True, validate=validate.Length(min=1, max=300))
    regulation = fields.String(required=True, validate=validate.Length(min=1, max=200))
    extends = fields.String(load_default=None, validate=PROFILE_ID)
    effective_from = fields.Date(required=True)
    parameters = NamedDict(keys=fields.String(), values=fields.Nested(_ParameterSchema), load_default=dict)


def _first_error(messages: Any, prefix: str = "") -> tuple[str, str]:
    """Flatten marshmallow's nested error dict to (field.path, message) of the first error."""
    if isinstance(messages, dict):
        key, sub = next(iter(messages.items()))
        if key == "_schema":  # an error of the mapping itself, not of one of its fields
            return _first_error(sub, prefix)
        path = f"{prefix}.{key}" if prefix else str(key)
        return _first_error(sub, path)
    if isinstance(messages, list) and messages:
        return _first_error(messages[0], prefix) if isinstance(messages[0], (dict, list)) else (prefix, str(messages[0]))
    return prefix or "(file)", str(messages)


class TextDatesLoader(yaml.SafeLoader):
    """YAML's safe loader, except that dates stay text: the schema then parses them and names
    the field of an impossible one (`2026-02-30`), which YAML's own date type would turn into a
    bare ValueError with no field; and a date-valued parameter stays JSON for its snapshot."""


TextDatesLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def load_yaml(text: Any) -> Any:
    return yaml.load(text, Loader=TextDatesLoader)  # noqa: S506 — a SafeLoader subclass


def _read_yaml(path: Path, display: str) -> dict[str, Any]:
    try:
        with path.open(encoding="utf-8") as fh:
            data = load_yaml(fh)
    except yaml.YAMLError as exc:
        raise ProfileError(display, "(yaml)", f"bukan YAML yang sah: {exc}") from exc
    if not isinstance(data, dict):
        raise ProfileError(display, "(file)", "isi berkas harus berupa mapping YAML")
    # Only an explicit `!!timestamp` tag still yields a date here; the schema wants text.
    if isinstance(data.get("effective_from"), date):
        data["effective_from"] = data["effective_from"].isoformat()
    return data


@dataclass
class _RawProfile:
    data: dict[str, Any]
    source: str
    tenant: str | None


@dataclass
class ProfileCatalog:
    """Every profile of every installed plugin, resolved and validated once at start-up."""

    sources: dict[str, ProfileSource] = field(default_factory=dict)
    # Keyed by (plugin, id): ids are unique within a plugin, so every plugin may ship its own
    # `pp-39-2012` baseline.
    _global: dict[tuple[str, str], RegulationProfile] = field(default_factory=dict)
    _local: dict[str, dict[tuple[str, str], RegulationProfile]] = field(default_factory=dict)

    @classmethod
    def load(
        cls,
        sources: Mapping[str, ProfileSource],
        tenants_dir: Path | None = None,
        root: Path | None = None,
    ) -> ProfileCatalog:
        catalog = cls(sources=dict(sources))
        raws: dict[tuple[str | None, str, str], _RawProfile] = {}

        def display(path: Path) -> str:
            if root is not None:
                try:
                    return str(path.resolve().relative_to(root.resolve()))
                except ValueError:
                    pass
            return str(path)

        def add(path: Path, tenant: str | None) -> None:
            shown = display(path)
            data = _read_yaml(path, shown)
            try:
                data = _ProfileFileSchema().load(data)
            except ValidationError as exc:
                raise ProfileError(shown, *_first_error(exc.messages)) from exc
            if data["plugin"] not in catalog.sources:
                raise ProfileError(shown, "plugin", f"plugin '{data['plugin']}' tidak terpasang")
            key = (tenant, data["plugin"], data["id"])
            if key in raws:
                raise ProfileError(shown, "id", f"id profil '{data['id']}' juga dipakai di {raws[key].source}")
            raws[key] = _RawProfile(data, shown, tenant)

        for plugin, source in sorted(catalog.sources.items()):
            for directory in source.directories:
                for path in sorted(Path(directory).glob("*.yaml")):
                    add(path, None)
        if tenants_dir is not None and tenants_dir.is_dir():
            for tdir in sorted(p for p in tenants_dir.iterdir() if (p / "profiles").is_dir()):
                for path in sorted((tdir / "profiles").glob("*.yaml")):
                    add(path, tdir.name)
        # A case records only the profile id and version it was opened under: a tenant-local
        # profile reusing a national id would make that record ambiguous.
        ordered = sorted(raws.items(), key=lambda kv: (kv[0][0] or "", kv[0][1], kv[0][2]))
        for (tenant, plugin, pid), raw in ordered:
            if tenant is not None and (None, plugin, pid) in raws:
                raise ProfileError(
                    raw.source, "id", f"id profil '{pid}' sudah dipakai profil nasional {raws[(None, plugin, pid)].source}; pakai id lain"
                )

        for (tenant, plugin, pid), raw in ordered:
            profile = catalog._resolve(raws, tenant, plugin, pid, ())
            if tenant is None:
                catalog._global[(plugin, pid)] = profile
            else:
                catalog._local.setdefault(tenant, {})[(plugin, pid)] = profile

        for plugin, source in catalog.sources.items():
            default = catalog._global.get((plugin, source.default_profile))
            if default is None or default.plugin != plugin:
                raise ProfileError(
                    f"plugin {plugin}", "default_profile", f"profil bawaan '{source.default_profile}' tidak ditemukan"
                )
        return catalog

    def _resolve(
        self,
        raws: dict[tuple[str | None, str, str], _RawProfile],
        tenant: str | None,
        plugin: str,
        pid: str,
        chain: tuple[str, ...],
    ) -> RegulationProfile:
        raw = raws[(tenant, plugin, pid)]
        data = raw.data
        if pid in chain:
            raise ProfileError(raw.source, "extends", "rantai extends berputar: " + " → ".join((*chain, pid)))
        params: dict[str, dict[str, Any]] = {}
        if data["extends"]:
            # A tenant-local variant may extend a national or another local profile; a global
            # profile may only extend a global one.
            parent_key = (tenant, plugin, data["extends"])
            if parent_key not in raws:
                parent_key = (None, plugin, data["extends"])
            if parent_key not in raws:
                others = sorted({p for (t, p, i) in raws if i == data["extends"] and t in (None, tenant)})
                if others:
                    raise ProfileError(raw.source, "extends", f"profil induk '{data['extends']}' milik plugin lain ({', '.join(others)})")
                raise ProfileError(raw.source, "extends", f"profil induk '{data['extends']}' tidak ditemukan")
            parent = self._resolve(raws, parent_key[0], plugin, data["extends"], (*chain, pid))
            for name, p in parent.parameters.items():
                params[name] = {
                    "value": p.raw,
                    "citation": p.citation,
                    "label": p.label,
                    "defined_in": p.defined_in,
                }
        for name, entry in data["parameters"].items():
            citation = None
            if entry["citation"]:
                c = dict(entry["citation"])
                citation = Citation(
                    regulation=c.get("regulation") or data["regulation"],
                    pasal=c.get("pasal"),
                    ayat=c.get("ayat"),
                    huruf=c.get("huruf"),
                )
            previous = params.get(name, {})
            if citation is None and previous and previous["value"] != entry["value"]:
                # Inheriting the parent's article for a value the parent does not set would cite
                # the wrong law to the person refused (DESIGN.md, principle 1).
                raise ProfileError(
                    raw.source,
                    f"parameters.{name}.citation",
                    f"nilai diubah dari profil induk '{data['extends']}'; sebutkan pasal yang mengaturnya",
                )
            params[name] = {
                "value": entry["value"],
                "citation": citation or previous.get("citation"),
                "label": entry["label"] or previous.get("label"),
                "defined_in": pid,
            }
        return self._build(data, params, raw.source, tenant)

    def _build(
        self, data: Mapping[str, Any], params: dict[str, dict[str, Any]], source: str, tenant: str | None
    ) -> RegulationProfile:
        schema_cls = self.sources[data["plugin"]].schema
        raw_values = {name: p["value"] for name, p in params.items()}
        try:
            loaded = schema_cls(unknown=RAISE).load(raw_values)
        except ValidationError as exc:
            path, message = _first_error(exc.messages)
            raise ProfileError(source, f"parameters.{path}", message) from exc
        parameters = {
            name: Parameter(
                name=name,
                value=loaded.get(name, p["value"]),
                raw=p["value"],
                citation=p["citation"],
                label=p["label"],
                defined_in=p["defined_in"],
            )
            for name, p in params.items()
        }
        effective = data["effective_from"]
        if isinstance(effective, str):
            effective = date.fromisoformat(effective)
        profile = RegulationProfile(
            id=data["id"],
            plugin=data["plugin"],
            version=int(data["version"]),
            title=data["title"],
            regulation=data["regulation"],
            extends=data.get("extends"),
            effective_from=effective,
            parameters=parameters,
            source=source,
            tenant=tenant,
        )
        digest = hashlib.sha256(json.dumps(profile.snapshot(), sort_keys=True).encode()).hexdigest()
        return RegulationProfile(**{**profile.__dict__, "content_hash": digest})

    # -- look-ups ----------------------------------------------------------------------------

    def get(self, profile_id: str, tenant_slug: str | None = None, plugin: str | None = None) -> RegulationProfile | None:
        """A profile by id, as seen by a tenant (its local variants first). Ids are unique per
        plugin: without `plugin`, an id that several plugins use finds nothing."""
        plugins = [plugin] if plugin is not None else sorted(self.sources)
        found = []
        for name in plugins:
            key = (name, profile_id)
            hit = self._local.get(tenant_slug, {}).get(key) if tenant_slug else None
            hit = hit or self._global.get(key)
            if hit is not None:
                found.append(hit)
        return found[0] if len(found) == 1 else None

    def for_plugin(self, plugin: str, tenant_slug: str | None = None) -> list[RegulationProfile]:
        found = {p.id: p for p in self._global.values() if p.plugin == plugin}
        if tenant_slug:
            found.update({p.id: p for p in self._local.get(tenant_slug, {}).values() if p.plugin == plugin})
        return sorted(found.values(), key=lambda p: (p.extends is not None, p.id))

    def default_for(self, plugin: str) -> RegulationProfile:
        return self._global[(plugin, self.sources[plugin].default_profile)]

    def parent_of(self, profile: RegulationProfile) -> RegulationProfile | None:
        return self.get(profile.extends, profile.tenant, profile.plugin) if profile.extends else None

    def from_snapshot(self, snap: Mapping[str, Any]) -> RegulationProfile:
        params = {
            name: {
                "value": p["value"],
                "citation": Citation(**{k: v for k, v in p["citation"].items() if k != "text"}) if p["citation"] else None,
                "label": p["label"],
                "defined_in": p["defined_in"],
            }
            for name, p in snap["parameters"].items()
        }
        return self._build(snap, params, f"snapshot {snap['id']} v{snap['version']}", snap.get("tenant"))

    def all_profiles(self) -> Iterable[RegulationProfile]:
        yield from self._global.values()
        for local in self._local.values():
            yield from local.values()


def diff(profile: RegulationProfile, parent: RegulationProfile | None) -> list[dict[str, Any]]:
    """What a variant changes against the profile it extends, parameter by parameter, each with
    the citation of the variant and of the parent."""
    if parent is None:
        return []
    changes = []
    for name, p in profile.parameters.items():
        before = parent.parameters.get(name)
        if before is not None and before.raw == p.raw:
            continue
        changes.append(
            {
                "parameter": name,
                "label": p.label,
                "change": "added" if before is None else "changed",
                "parent_value": None if before is None else before.raw,
                "value": p.raw,
                "citation": str(p.citation) if p.citation else None,
                "parent_citation": str(before.citation) if before and before.citation else None,
            }
        )
    return changes
