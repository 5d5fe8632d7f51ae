# syntax=docker/dockerfile:1
# The Kesos image: the installed wheel of kesos and its dependencies, no source tree, no
# compilers. Build with BuildKit (Docker >= 23 by default): `docker build -t kesos .`
#
# One image, every process (the Helm chart picks the command):
#   web        gunicorn -c python:core.gunicorn_conf wsgi:app   (the default below)
#   worker     kesos worker
#   scheduler  kesos scheduler
#   migrations kesos db upgrade && kesos tenants sync

# -- 1. build: wheels of kesos and of every dependency ------------------------------------------
FROM python:3.11-slim-bookworm AS build
# Every dependency ships manylinux wheels for CPython 3.11 (psycopg[binary], cryptography,
# PyYAML ...): nothing is compiled, so no build tools are installed even here.
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1
WORKDIR /src
# What the build of the kesos distribution reads (pyproject.toml; its readme; the packages and
# the wsgi module it lists) and nothing else.
COPY pyproject.toml README.md wsgi.py ./
COPY core ./core
COPY plugins ./plugins
RUN pip wheel --wheel-dir /wheels .

# -- 2. run -------------------------------------------------------------------------------------
FROM python:3.11-slim-bookworm
# Installed as root into the image's Python, once, at build time: pip's warning about root does not apply.
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1 PIP_ROOT_USER_ACTION=ignore
RUN groupadd --system --gid 10001 kesos \
 && useradd --system --uid 10001 --gid 10001 --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin kesos \
 && mkdir -p /etc/kesos/tenants /app
# The wheels are bind-mounted from the build stage for this one step: they never become a layer
# of this image, and only what they contain is installed (no index, nothing fetched).
RUN --mount=type=bind,from=build,source=/wheels,target=/wheels \
    pip install --no-index --find-links=/wheels kesos
WORKDIR /app
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    KESOS_ENV=production \
    KESOS_TENANTS_DIR=/etc/kesos/tenants \
    KESOS_INSTANCE_DIR=/tmp/kesos
USER 10001:10001
EXPOSE 8000
# No HEALTHCHECK: Kubernetes ignores it and probes /healthz and /readyz itself (the chart's
# startup, liveness and readiness probes).
CMD ["gunicorn", "-c", "python:core.gunicorn_conf", "wsgi:app"]
