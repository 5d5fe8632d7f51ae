"""The Helm chart helm/kesos (issue 7), checked the way an install would check it, offline:
Helm's lint and renderer (helm-python-sdk), every rendered document against Kubernetes' own
schemas (kubernetes-validate, strict: an unknown field fails), the values schema refusing wrong
values by name, and what the manifests promise an operator."""
from __future__ import annotations

import base64
import copy
import os
from pathlib import Path
from typing import Any

import helm_python as helm
import kubernetes_validate
import pytest

from core.config import load_settings
from tests.chart.render import (
    CHART_DIR,
    KUBE_VERSION,
    MINIMAL,
    SECRET,
    TENANTS_DIR,
    container,
    env_of,
    merge,
    production_values,
    render,
    tenant_values,
)

VALUE_SETS = {
    "default": lambda: merge(MINIMAL, tenant_values()),
    "production": production_values,
}


@pytest.fixture(scope="module", params=sorted(VALUE_SETS))
def values(request: pytest.FixtureRequest) -> dict[str, Any]:
    return VALUE_SETS[request.param]()


@pytest.fixture(scope="module")
def default() -> Any:
    return render(merge(MINIMAL, tenant_values()))


@pytest.fixture(scope="module")
def production() -> Any:
    return render(production_values())


# -- lint, render, Kubernetes schemas -----------------------------------------------------------


def test_lint_strict_finds_nothing(values: dict[str, Any]) -> None:
    report = helm.lint(CHART_DIR, values, strict=True, kube_version=f"v{KUBE_VERSION}")
    assert report["errors"] == []
    # Severity 2 is a warning, 3 an error (info, e.g. "icon is recommended", is not a finding).
    assert [m for m in report["messages"] if m["severity"] >= 2] == []


def test_every_rendered_document_is_valid_kubernetes(values: dict[str, Any]) -> None:
    rendered = render(values)
    kinds = {doc["kind"] for _, doc in rendered.documents}
    assert {"Deployment", "Job", "ConfigMap", "Service", "ServiceAccount", "PersistentVolumeClaim", "PodDisruptionBudget"} <= kinds
    for path, doc in rendered.documents:
        try:
            kubernetes_validate.validate(doc, KUBE_VERSION, strict=True)
        except kubernetes_validate.ValidationError as exc:
            pytest.fail(f"{path}: {doc['kind']}/{doc['metadata']['name']}: {exc.message} at {list(exc.path)}")


def test_strict_validation_catches_a_misspelt_field(default: Any) -> None:
    # Guards the test above: strict mode must refuse a field Kubernetes would silently drop.
    web = copy.deepcopy(default.get("Deployment", "kesos-web"))
    container(web["spec"]["template"])["securityContext"]["readOnlyRootFileSystem"] = True
    with pytest.raises(kubernetes_validate.ValidationError, match="readOnlyRootFileSystem"):
        kubernetes_validate.validate(web, KUBE_VERSION, strict=True)


def test_production_renders_the_autoscalers_and_the_ingress(production: Any) -> None:
    assert {h["metadata"]["name"] for h in production.all("HorizontalPodAutoscaler")} == {"kesos-web", "kesos-worker"}
    ingress = production.get("Ingress", "kesos")
    assert ingress["spec"]["ingressClassName"] == "nginx"
    assert ingress["spec"]["tls"] == [{"hosts": ["kesos.kalselprov.go.id"], "secretName": "kesos-kalselprov-tls"}]
    rule = ingress["spec"]["rules"][0]
    assert rule["host"] == "kesos.kalselprov.go.id"
    assert rule["http"]["paths"][0]["backend"]["service"] == {"name": "kesos", "port": {"name": "http"}}
    # Uploads of KESOS_UPLOAD_MAX_MB must get through the controller.
    assert ingress["metadata"]["annotations"]["nginx.ingress.kubernetes.io/proxy-body-size"] == "12m"


# -- the values schema and the required Secret --------------------------------------------------

INVALID = [
    pytest.param("web:\n  replicas: three\n", "/web/replicas", id="replicas-not-a-number"),
    pytest.param("replicaCount: 3\n", "replicaCount", id="unknown-top-level-key"),
    pytest.param("web:\n  workerClass: eventlet\n", "/web/workerClass", id="worker-class"),
    pytest.param("image:\n  pullPolicy: Sometimes\n", "/image/pullPolicy", id="pull-policy"),
    pytest.param("persistence:\n  acessModes: [ReadWriteMany]\n", "acessModes", id="typo-in-a-section"),
    pytest.param("tenants:\n  balangan.yml: 'slug: balangan'\n", "balangan.yml", id="tenant-file-name"),
    pytest.param("ingress:\n  enabled: true\n", "/ingress/host", id="ingress-without-host"),
    pytest.param("securityContext:\n  runAsUser: 0\n", "/securityContext/runAsUser", id="root"),
]


@pytest.mark.parametrize("values_file, named", INVALID)
def test_an_invalid_values_file_is_refused_naming_the_key(tmp_path: Path, values_file: str, named: str) -> None:
    path = tmp_path / "values.yaml"
    path.write_text(values_file)
    values = merge(MINIMAL, helm.values_from_yaml(path.read_text()))
    with helm.Chart.load(CHART_DIR) as chart:
        with pytest.raises(helm.HelmValuesError, match=named):
            chart.validate_schema(values)
        # An install renders only after the same check.
        with pytest.raises(helm.HelmValuesError, match=named):
            chart.render(values, name="kesos", namespace="kesos", is_install=True)
    report = helm.lint(CHART_DIR, values, strict=True, kube_version=f"v{KUBE_VERSION}")
    assert any(named in error for error in report["errors"]), report["errors"]


def test_the_defaults_pass_the_schema() -> None:
    with helm.Chart.load(CHART_DIR) as chart:
        chart.validate_schema(MINIMAL)
        chart.validate_schema(production_values())


def test_without_the_secret_the_chart_says_which_value_to_set() -> None:
    with pytest.raises(helm.HelmRenderError) as caught:
        render({})
    message = str(caught.value)
    assert "secrets.existingSecret wajib diisi" in message
    assert "MIGRATION_DATABASE_URL" in message and "KESOS_DATA_KEYS" in message


# -- processes ----------------------------------------------------------------------------------


def _secret_env(c: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in env_of(c).items() if isinstance(v, dict)}


def test_web_runs_gunicorn_as_the_app_role(default: Any) -> None:
    web = container(default.get("Deployment", "kesos-web")["spec"]["template"])
    assert web["command"] == ["gunicorn", "-c", "python:core.gunicorn_conf", "wsgi:app"]
    env = env_of(web)
    assert env["DATABASE_URL"] == {"secret": SECRET, "key": "DATABASE_URL"}
    assert env["SECRET_KEY"] == {"secret": SECRET, "key": "SECRET_KEY"}
    assert env["KESOS_DATA_KEYS"] == {"secret": SECRET, "key": "KESOS_DATA_KEYS"}
    assert env["KESOS_BLIND_INDEX_KEY"] == {"secret": SECRET, "key": "KESOS_BLIND_INDEX_KEY"}
    assert env["REDIS_URL"] == {"secret": SECRET, "key": "REDIS_URL"}


def test_only_the_migration_job_gets_the_owner_url(default: Any) -> None:
    for name, template in default.pod_templates():
        has_owner = "MIGRATION_DATABASE_URL" in env_of(container(template))
        assert has_owner == name.startswith("Job/"), name


def test_key_names_inside_the_secret_are_configurable() -> None:
    rendered = render(merge(MINIMAL, {"secrets": {"migrationSecret": "kesos-owner", "keys": {"databaseUrl": "APP_URL", "migrationDatabaseUrl": "OWNER_URL"}}}))
    web = container(rendered.get("Deployment", "kesos-web")["spec"]["template"])
    assert env_of(web)["DATABASE_URL"] == {"secret": SECRET, "key": "APP_URL"}
    job = container(rendered.get("Job", "kesos-migrate")["spec"]["template"])
    assert env_of(job)["MIGRATION_DATABASE_URL"] == {"secret": "kesos-owner", "key": "OWNER_URL"}
    assert env_of(job)["DATABASE_URL"] == {"secret": SECRET, "key": "APP_URL"}


def test_the_migration_job_runs_before_the_pods_as_the_owner(default: Any) -> None:
    job = default.get("Job", "kesos-migrate")
    notes = job["metadata"]["annotations"]
    assert notes["helm.sh/hook"] == "pre-install,pre-upgrade"
    assert notes["helm.sh/hook-delete-policy"] == "before-hook-creation"
    script = " ".join(container(job["spec"]["template"])["command"])
    assert "kesos db upgrade && kesos tenants sync" in script
    assert env_of(container(job["spec"]["template"]))["MIGRATION_DATABASE_URL"] == {"secret": SECRET, "key": "MIGRATION_DATABASE_URL"}
    assert job["spec"]["backoffLimit"] <= 2
    assert job["spec"]["activeDeadlineSeconds"] > 0
    assert job["spec"]["template"]["spec"]["restartPolicy"] == "Never"


def _hook_weight(doc: dict[str, Any]) -> int | None:
    notes = doc["metadata"].get("annotations") or {}
    if "pre-install" not in notes.get("helm.sh/hook", ""):
        return None
    return int(notes.get("helm.sh/hook-weight", "0"))


@pytest.mark.parametrize("extra", [{}, {"tenants": {"existingConfigMap": "tenants-of-the-province"}}, {"serviceAccount": {"create": False, "name": "kesos-sa"}}], ids=["own-configmaps", "existing-configmap", "existing-serviceaccount"])
def test_the_migration_job_reads_only_what_exists_before_it(extra: dict[str, Any]) -> None:
    """On a first install the hook runs before the release's ordinary resources exist: whatever
    the Job reads must be a hook of lower weight, or exist before the install (the Secret, an
    existing ConfigMap or ServiceAccount)."""
    values = merge(merge(MINIMAL, tenant_values()), extra)
    rendered = render(values)
    job = rendered.get("Job", "kesos-migrate")
    job_weight = _hook_weight(job)
    assert job_weight is not None
    pod = job["spec"]["template"]["spec"]
    c = container(job["spec"]["template"])
    needed = [("ConfigMap", ref["configMapRef"]["name"]) for ref in c["envFrom"]]
    needed += [("ConfigMap", v["configMap"]["name"]) for v in pod["volumes"] if "configMap" in v]
    needed.append(("ServiceAccount", pod["serviceAccountName"]))
    pre_existing = {("ConfigMap", "tenants-of-the-province"), ("ServiceAccount", "kesos-sa")}
    for kind, name in needed:
        if (kind, name) in pre_existing:
            continue
        doc = rendered.get(kind, name)
        weight = _hook_weight(doc)
        assert weight is not None and weight < job_weight, f"{kind}/{name} does not exist yet when the Job starts"
        assert "hook-succeeded" in doc["metadata"]["annotations"]["helm.sh/hook-delete-policy"]
    # No Secret is ever rendered: secret values never enter the release.
    assert rendered.all("Secret") == []


def test_the_job_sees_the_same_settings_and_tenants_as_the_pods(default: Any) -> None:
    assert default.get("ConfigMap", "kesos-migrate-settings")["data"] == default.get("ConfigMap", "kesos-settings")["data"]
    assert default.get("ConfigMap", "kesos-migrate-tenants")["data"] == default.get("ConfigMap", "kesos-tenants")["data"]


def test_worker_runs_kesos_worker(default: Any) -> None:
    worker = container(default.get("Deployment", "kesos-worker")["spec"]["template"])
    assert worker["command"] == ["kesos", "worker"]
    assert "MIGRATION_DATABASE_URL" not in env_of(worker)
    assert set(_secret_env(worker)) == {"DATABASE_URL", "REDIS_URL", "SECRET_KEY", "KESOS_DATA_KEYS", "KESOS_BLIND_INDEX_KEY"}


def test_one_scheduler_never_autoscaled(production: Any) -> None:
    scheduler = production.get("Deployment", "kesos-scheduler")
    assert container(scheduler["spec"]["template"])["command"] == ["kesos", "scheduler"]
    assert scheduler["spec"]["replicas"] == 1
    assert scheduler["spec"]["strategy"] == {"type": "Recreate"}
    # Production autoscales web and workers; nothing targets the scheduler.
    targets = {h["spec"]["scaleTargetRef"]["name"] for h in production.all("HorizontalPodAutoscaler")}
    assert targets == {"kesos-web", "kesos-worker"}
    with helm.Chart.load(CHART_DIR) as chart, pytest.raises(helm.HelmValuesError, match="replicas"):
        chart.validate_schema(merge(MINIMAL, {"scheduler": {"replicas": 2}}))


def test_an_autoscaled_deployment_leaves_its_count_to_the_autoscaler(production: Any, default: Any) -> None:
    assert "replicas" not in production.get("Deployment", "kesos-web")["spec"]
    assert production.get("HorizontalPodAutoscaler", "kesos-web")["spec"]["minReplicas"] == 3
    assert default.get("Deployment", "kesos-web")["spec"]["replicas"] == 2


def test_web_probes_and_service(default: Any) -> None:
    web = container(default.get("Deployment", "kesos-web")["spec"]["template"])
    assert web["livenessProbe"]["httpGet"] == {"path": "/healthz", "port": "http"}
    assert web["readinessProbe"]["httpGet"] == {"path": "/readyz", "port": "http"}
    assert web["startupProbe"]["httpGet"]["path"] == "/healthz"
    assert web["ports"] == [{"name": "http", "containerPort": 8000, "protocol": "TCP"}]
    service = default.get("Service", "kesos")
    assert service["spec"]["type"] == "ClusterIP"
    assert service["spec"]["ports"] == [{"name": "http", "port": 80, "targetPort": "http", "protocol": "TCP"}]
    assert service["spec"]["selector"]["app.kubernetes.io/component"] == "web"
    # gunicorn binds the port the probes and the Service use.
    assert default.get("ConfigMap", "kesos-settings")["data"]["KESOS_WEB_BIND"] == "0.0.0.0:8000"


def test_a_pod_budget_only_where_it_cannot_block_a_drain(default: Any) -> None:
    # Web runs 2 pods: one may go. The single worker gets no budget (minAvailable 1 of 1 would
    # forbid every eviction, so a node drain would hang).
    assert default.get("PodDisruptionBudget", "kesos-web")["spec"]["minAvailable"] == 1
    assert not default.has("PodDisruptionBudget", "kesos-worker")
    single = render(merge(MINIMAL, {"web": {"replicas": 1}}))
    assert single.all("PodDisruptionBudget") == []
    # minAvailable is capped below the pod count, so one pod may always be evicted.
    capped = render(merge(MINIMAL, {"web": {"replicas": 2, "pdb": {"minAvailable": 5}}}))
    assert capped.get("PodDisruptionBudget", "kesos-web")["spec"]["minAvailable"] == 1


def test_an_autoscaler_whose_minimum_exceeds_its_maximum_is_refused() -> None:
    with pytest.raises(helm.HelmRenderError, match=r"worker.autoscaling: minReplicas \(5\) tidak boleh lebih besar dari maxReplicas \(3\)"):
        render(merge(MINIMAL, {"worker": {"autoscaling": {"enabled": True, "minReplicas": 5, "maxReplicas": 3}}}))


# -- security -----------------------------------------------------------------------------------


def test_every_container_is_restricted(values: dict[str, Any]) -> None:
    rendered = render(values)
    for name, template in rendered.pod_templates():
        pod = template["spec"]
        assert pod["automountServiceAccountToken"] is False, name
        assert pod["securityContext"]["runAsNonRoot"] is True, name
        assert pod["securityContext"]["runAsUser"] == 10001, name
        assert pod["securityContext"]["seccompProfile"] == {"type": "RuntimeDefault"}, name
        tmp_volumes = {v["name"] for v in pod["volumes"] if "emptyDir" in v}
        for c in pod["containers"]:
            sc = c["securityContext"]
            assert sc["allowPrivilegeEscalation"] is False, name
            assert sc["readOnlyRootFilesystem"] is True, name
            assert sc["capabilities"] == {"drop": ["ALL"]}, name
            # The root filesystem is read-only: /tmp must be a writable volume of its own.
            tmp = [m for m in c["volumeMounts"] if m["mountPath"] == "/tmp"]
            assert len(tmp) == 1 and tmp[0]["name"] in tmp_volumes and not tmp[0].get("readOnly"), name


def test_service_accounts_carry_no_token(default: Any) -> None:
    for sa in default.all("ServiceAccount"):
        assert sa["automountServiceAccountToken"] is False


# -- configuration, tenants, uploads ------------------------------------------------------------


def test_tenants_configmap_holds_the_repositorys_tenant_files(default: Any) -> None:
    data = default.get("ConfigMap", "kesos-tenants")["data"]
    files = sorted(TENANTS_DIR.glob("*.yaml"))
    assert files, "the repository ships tenants/*.yaml"
    assert data == {p.name: p.read_text() for p in files}
    settings = default.get("ConfigMap", "kesos-settings")["data"]
    for name, template in default.pod_templates():
        c = container(template)
        mount = next(m for m in c["volumeMounts"] if m["name"] == "tenants")
        assert mount["mountPath"] == settings["KESOS_TENANTS_DIR"] == "/etc/kesos/tenants", name
        assert mount["readOnly"] is True


def test_a_tenant_local_profile_lands_in_its_tenants_profiles_directory() -> None:
    profile = "id: perbup-contoh\nextends: pp-39-2012\n"
    rendered = render(merge(MINIMAL, merge(tenant_values(), {"tenantProfiles": {"balangan": {"perbup-contoh.yaml": profile}}})))
    data = rendered.get("ConfigMap", "kesos-tenants")["data"]
    volume = next(v for v in rendered.get("Deployment", "kesos-web")["spec"]["template"]["spec"]["volumes"] if v["name"] == "tenants")
    placed = {item["path"]: data[item["key"]] for item in volume["configMap"]["items"]}
    assert placed["balangan/profiles/perbup-contoh.yaml"] == profile
    assert placed["balangan.yaml"] == (TENANTS_DIR / "balangan.yaml").read_text()


def test_an_existing_tenants_configmap_is_mounted_and_none_rendered() -> None:
    rendered = render(merge(MINIMAL, {"tenants": {"existingConfigMap": "tenants-of-the-province"}}))
    assert not rendered.has("ConfigMap", "kesos-tenants") and not rendered.has("ConfigMap", "kesos-migrate-tenants")
    for name, template in rendered.pod_templates():
        volume = next(v for v in template["spec"]["volumes"] if v["name"] == "tenants")
        assert volume["configMap"] == {"name": "tenants-of-the-province"}, name


def _checksums(rendered: Any) -> dict[str, str]:
    return rendered.get("Deployment", "kesos-web")["spec"]["template"]["metadata"]["annotations"]


def test_a_changed_tenant_file_or_setting_rolls_the_pods(default: Any) -> None:
    before = _checksums(default)
    assert _checksums(render(merge(MINIMAL, tenant_values()))) == before  # deterministic
    changed_tenant = tenant_values()
    changed_tenant["tenants"]["balangan.yaml"] += "  - tanggal: 2026-12-24\n    keterangan: Libur daerah baru\n"
    after = _checksums(render(merge(MINIMAL, changed_tenant)))
    assert after["checksum/tenants"] != before["checksum/tenants"]
    assert after["checksum/settings"] == before["checksum/settings"]
    setting = _checksums(render(merge(merge(MINIMAL, tenant_values()), {"config": {"logLevel": "DEBUG"}})))
    assert setting["checksum/settings"] != before["checksum/settings"]
    for name, template in default.pod_templates():
        if name.startswith("Deployment/"):
            assert template["metadata"]["annotations"] == before, name


def test_uploads_share_one_volume_at_the_storage_dir(production: Any) -> None:
    claim = production.get("PersistentVolumeClaim", "kesos-berkas")
    assert claim["spec"]["accessModes"] == ["ReadWriteMany"]
    assert claim["spec"]["storageClassName"] == "nfs-rwx"
    assert claim["metadata"]["annotations"]["helm.sh/resource-policy"] == "keep"
    storage_dir = production.get("ConfigMap", "kesos-settings")["data"]["KESOS_STORAGE_DIR"]
    for name in ("kesos-web", "kesos-worker"):
        pod = production.get("Deployment", name)["spec"]["template"]["spec"]
        mount = next(m for m in container({"spec": pod})["volumeMounts"] if m["name"] == "berkas")
        volume = next(v for v in pod["volumes"] if v["name"] == "berkas")
        assert mount["mountPath"] == storage_dir
        assert volume["persistentVolumeClaim"] == {"claimName": "kesos-berkas"}


def test_an_existing_claim_is_used_and_none_created() -> None:
    rendered = render(merge(MINIMAL, {"persistence": {"existingClaim": "berkas-lama"}}))
    assert rendered.all("PersistentVolumeClaim") == []
    volume = next(v for v in rendered.get("Deployment", "kesos-web")["spec"]["template"]["spec"]["volumes"] if v["name"] == "berkas")
    assert volume["persistentVolumeClaim"] == {"claimName": "berkas-lama"}


def _random_key() -> str:
    return base64.b64encode(os.urandom(32)).decode()


def test_the_rendered_settings_start_kesos_in_production(production: Any) -> None:
    """The settings ConfigMap plus the Secret's keys, given to core/config.py as a pod's
    environment: accepted by the production checks, and read as the chart means them."""
    environ = dict(production.get("ConfigMap", "kesos-settings")["data"])
    environ.update(
        DATABASE_URL="postgresql+psycopg://kesos_app:rahasia@db.kesos:5432/kesos",
        REDIS_URL="redis://redis.kesos:6379/0",
        SECRET_KEY="p" * 48,
        KESOS_DATA_KEYS=f"{environ['KESOS_DATA_KEY_ID']}:{_random_key()}",
        KESOS_BLIND_INDEX_KEY=_random_key(),
    )
    settings = load_settings(environ=environ)
    assert settings.is_production and settings.is_postgres
    assert settings.tenants_dir == Path("/etc/kesos/tenants")
    assert settings.document_dir == Path("/var/lib/kesos/berkas")
    assert str(settings.instance_dir).startswith("/tmp/")  # the one writable place
    assert settings.app_db_role == "kesos_app"
    assert settings.proxy_fix == 1  # behind the ingress
    assert settings.upload_max_bytes == 10 * 1024 * 1024


def test_proxy_headers_are_trusted_only_behind_the_ingress(default: Any) -> None:
    assert default.get("ConfigMap", "kesos-settings")["data"]["KESOS_PROXY_FIX"] == "0"
    explicit = render(merge(MINIMAL, {"config": {"proxyFix": 2}}))
    assert explicit.get("ConfigMap", "kesos-settings")["data"]["KESOS_PROXY_FIX"] == "2"


def test_every_setting_is_one_kesos_reads(production: Any) -> None:
    # A misspelt variable would be ignored by the app without a word. KESOS_WEB_* and KESOS_LOG_*
    # belong to core/gunicorn_conf.py and core/logs.py (the production process interfaces).
    source = (CHART_DIR.parent.parent / "core" / "config.py").read_text()
    data = production.get("ConfigMap", "kesos-settings")["data"]
    unknown = [k for k in data if not k.startswith(("KESOS_WEB_", "KESOS_LOG_")) and f'"{k}"' not in source]
    assert unknown == []
    assert data["KESOS_ENV"] == "production"
    assert data["KESOS_WEB_WORKER_CLASS"] == "gthread"


def test_labels_and_names_fit_kubernetes() -> None:
    rendered = render(merge(MINIMAL, {"fullnameOverride": "k" * 70}))
    for _, doc in rendered.documents:
        name = doc["metadata"]["name"]
        assert len(name) <= 63, name
        labels = doc["metadata"]["labels"]
        assert labels["app.kubernetes.io/managed-by"] == "Helm"
        assert labels["helm.sh/chart"] == "kesos-0.1.0"
        assert {"app.kubernetes.io/name", "app.kubernetes.io/instance", "app.kubernetes.io/version"} <= set(labels)
    # Component suffixes survive the truncation: web and worker stay distinct objects.
    deployments = {d["metadata"]["name"] for d in rendered.all("Deployment")}
    assert {n.rsplit("-", 1)[1] for n in deployments} == {"web", "worker", "scheduler"}


def test_notes_tell_how_to_reach_it_and_create_the_first_admin(production: Any, default: Any) -> None:
    assert "https://kesos.kalselprov.go.id/api/v1" in production.notes
    assert "kubectl -n kesos port-forward svc/kesos 8000:80" in default.notes
    assert "exec -it deploy/kesos-web -- \\\n    kesos users create <username> --nama" in default.notes
    assert "--platform-admin" in default.notes

