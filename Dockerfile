# syntax=docker/dockerfile:1
# Production image of Médiature: one image for every process (README, Deployment).
#   web (default command)  gunicorn on $PORT, static files collected at build and served by WhiteNoise
#   worker                 python manage.py run_huey
#   release                python manage.py migrate --noinput (once per deployment, before web and worker)
# Configuration comes from the environment at run time (README, Configuration); compose.yaml wires it up.

FROM python:3.11-slim AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
RUN python -m venv /opt/venv
COPY requirements.txt /tmp/requirements.txt
RUN /opt/venv/bin/pip install -r /tmp/requirements.txt


FROM python:3.11-slim
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PORT=8000 \
    STATIC_ROOT=/app/staticfiles \
    MEDIA_ROOT=/app/media \
    HUEY_SQLITE_PATH=/home/mediature/huey.sqlite3
RUN useradd --system --uid 10001 --user-group --create-home --home-dir /home/mediature mediature
WORKDIR /app
COPY --from=build /opt/venv /opt/venv
# The code stays root's: the app's user can write only its media and its home.
COPY . /app
# The key and webhook secret only let the settings load for this step; they are not kept in the image.
RUN SECRET_KEY=build-time-only-collectstatic ANYMAIL_WEBHOOK_SECRET=build:build-time-only-secret \
    python manage.py collectstatic --noinput -v0 \
    && mkdir -p /app/media && chown mediature:mediature /app/media
USER mediature
# Probes: GET /health/ (database, and Redis when set); compose.yaml has one.
EXPOSE 8000
CMD ["sh", "-c", "exec gunicorn mediature.wsgi --bind 0.0.0.0:${PORT} --workers ${WEB_CONCURRENCY:-3} --access-logfile -"]
