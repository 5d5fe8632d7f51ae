"""Rendering helm/kesos offline with Helm's own SDK (helm-python-sdk: no helm binary, no cluster),
and looking things up in what it renders."""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import helm_python as helm
import yaml

from core.config import PROJECT_ROOT

CHART_DIR = PROJECT_ROOT / "helm" / "kesos"
PRODUCTION_VALUES = CHART_DIR / "values-production.yaml"
TENANTS_DIR = PROJECT_ROOT / "tenants"
# A recent Kubernetes release that kubernetes-validate ships schemas for (lint uses it as well).
KUBE_VERSION = "1.35.0"
RELEASE = "kesos"
NAMESPACE = "kesos"
# The one value an install cannot do without.
SECRET = "kesos-secrets"
MINIMAL = {"secrets": {"existingSecret": SECRET}}


def merge(base: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
    """Values as Helm composes -f and --set: nested maps merged, the later value winning."""
    out = dict(base)
    for key, value in extra.items():
        out[key] = merge(out[key], value) if isinstance(value, dict) and isinstance(out.get(key), dict) else value
    return out


def tenant_values(directory: Path = TENANTS_DIR) -> dict[str, Any]:
    """The repository's tenants/*.yaml as `--set-file 'tenants.<slug>\\.yaml=…'` passes them."""
    expression = ",".join(f"tenants.{p.stem}\\.yaml={p}" for p in sorted(directory.glob("*.yaml")))
    return helm.parse_set_file(expression)


def production_values() -> dict[str, Any]:
    """values-production.yaml read as `-f` reads it, with the repository's tenants."""
    return merge(helm.values_from_yaml(PRODUCTION_VALUES.read_text()), tenant_values())


class Rendered:
    """Every document of one render, by kind and name."""

    def __init__(self, manifests: dict[str, str]) -> None:
        self.notes = ""
        self.documents: list[tuple[str, dict[str, Any]]] = []
        for path, text in sorted(manifests.items()):
            if path.endswith("NOTES.txt"):
                self.notes = text
                continue
            for doc in yaml.safe_load_all(text):
                if doc is not None:
                    self.documents.append((path, doc))

    def all(self, kind: str) -> list[dict[str, Any]]:
        return [doc for _, doc in self.documents if doc["kind"] == kind]

    def get(self, kind: str, name: str) -> dict[str, Any]:
        found = [doc for doc in self.all(kind) if doc["metadata"]["name"] == name]
        assert len(found) == 1, f"{kind}/{name}: {len(found)} rendered"
        return found[0]

    def has(self, kind: str, name: str) -> bool:
        return any(doc["metadata"]["name"] == name for doc in self.all(kind))

    def pod_templates(self) -> Iterator[tuple[str, dict[str, Any]]]:
        """(kind/name, pod spec) of every Deployment and Job."""
        for doc in self.all("Deployment") + self.all("Job"):
            yield f"{doc['kind']}/{doc['metadata']['name']}", doc["spec"]["template"]


def render(values: dict[str, Any], *, upgrade: bool = False) -> Rendered:
    with helm.Chart.load(CHART_DIR) as chart:
        return Rendered(chart.render(values, name=RELEASE, namespace=NAMESPACE, is_install=not upgrade, is_upgrade=upgrade))


def container(pod_template: dict[str, Any], name: str | None = None) -> dict[str, Any]:
    containers = pod_template["spec"]["containers"]
    return containers[0] if name is None else next(c for c in containers if c["name"] == name)


def env_of(c: dict[str, Any]) -> dict[str, Any]:
    """A container's explicit env: name → value, or the {"secret", "key"} it is read from."""
    out: dict[str, Any] = {}
    for item in c.get("env", []):
        ref = item.get("valueFrom", {}).get("secretKeyRef")
        out[item["name"]] = {"secret": ref["name"], "key": ref["key"]} if ref else item.get("value")
    return out
