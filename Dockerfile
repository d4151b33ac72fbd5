# pmo-bot as one process: `pmo-bot daemon` (scheduled check + weekly report), config from file and environment.
FROM python:3.11-slim AS build
WORKDIR /src
COPY pyproject.toml README.md ./
COPY pmo_bot ./pmo_bot
COPY rules ./rules
COPY report_templates ./report_templates
RUN pip install --no-cache-dir build && python -m build --wheel --outdir /dist

FROM python:3.11-slim
RUN useradd --create-home --uid 10001 pmo
COPY --from=build /dist/*.whl /tmp/
RUN pip install --no-cache-dir /tmp/*.whl && rm /tmp/*.whl
USER pmo
WORKDIR /home/pmo
# Logs are JSON lines when not on a TTY; the SQLite state lives in the mounted volume by default.
ENV PMO_DATABASE_URL=sqlite:////home/pmo/data/pmo-bot.db
VOLUME ["/home/pmo/data"]
ENTRYPOINT ["pmo-bot"]
CMD ["--help"]
