# pmo-bot's image. Build: `docker build -t pmo-bot .`  Run: `docker run -v pmo-data:/home/pmo/data -p 8080:8080
# -e PMO_JIRA_URL=... -e PMO_JIRA_TOKEN=... pmo-bot`, which runs `pmo-bot serve` (the daemon: the scheduled check
# and the weekly report, /healthz /readyz /metrics on port 8080). Any other command: `docker run pmo-bot check`.
# docs/deploy.md has compose (PostgreSQL, two replicas), systemd and Kubernetes. `make install-check` installs
# the wheel the way this file does and runs it, in CI, where Docker is not available.
FROM python:3.11.11-slim-bookworm AS build
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1
RUN python -m venv /opt/pmo-bot
WORKDIR /src
# Dependencies first, in a layer cached until pyproject.toml changes.
COPY pyproject.toml .ci/deps.py ./
RUN python deps.py pyproject.toml > requirements.txt && /opt/pmo-bot/bin/pip install -r requirements.txt
# Then pmo-bot itself, as a wheel (the packaged rules and report templates come with it).
COPY README.md ./
COPY pmo_bot ./pmo_bot
COPY rules ./rules
COPY report_templates ./report_templates
RUN /opt/pmo-bot/bin/pip wheel --no-deps --wheel-dir /dist . && /opt/pmo-bot/bin/pip install --no-deps /dist/*.whl

FROM python:3.11.11-slim-bookworm
RUN useradd --create-home --uid 10001 pmo \
    && mkdir -p /home/pmo/data \
    && chown -R pmo:pmo /home/pmo/data
COPY --from=build /opt/pmo-bot /opt/pmo-bot
# The default rule pack as a starting point; mount your own over /home/pmo/rules.
COPY --chown=pmo:pmo rules /home/pmo/rules
ENV PATH=/opt/pmo-bot/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PMO_DATABASE_URL=sqlite:////home/pmo/data/pmo-bot.db \
    PMO_RULES_DIR=/home/pmo/rules \
    PMO_HTTP_HOST=0.0.0.0 \
    PMO_HTTP_PORT=8080
USER pmo
WORKDIR /home/pmo
VOLUME ["/home/pmo/data"]
EXPOSE 8080
# Ready = a check succeeded within ready_max_age_minutes (90 by default); the first check may take a while.
HEALTHCHECK --interval=60s --timeout=5s --start-period=15m --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8080/readyz', timeout=4)"]
ENTRYPOINT ["pmo-bot"]
CMD ["serve"]
