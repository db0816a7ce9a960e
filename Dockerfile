FROM python:3.11-slim-bookworm

# WeasyPrint's libraries and the fonts the application report embeds (CJK, DejaVu); gettext for the
# English catalogue; Node.js only to install the front-end packages; PostgreSQL's client tools
# for scripts/backup.sh and scripts/restore.sh.
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-noto-cjk fonts-dejavu-core gettext nodejs npm \
      postgresql-client \
 && rm -rf /var/lib/apt/lists/*

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
WORKDIR /app

COPY pyproject.toml README.md ./
COPY config config
COPY portal portal
COPY scenarios scenarios
COPY indicators indicators
COPY evaluation evaluation
COPY review review
COPY reports reports
RUN pip install --no-cache-dir -e .

COPY frontend/package.json frontend/package-lock.json frontend/
RUN npm ci --prefix frontend --omit=dev --no-audit --no-fund --loglevel=error

COPY . .
RUN DEBUG=1 python manage.py compilemessages -l en --ignore=frontend \
 && SECRET_KEY=build-only python manage.py collectstatic --noinput -v0

RUN useradd --create-home portal && mkdir -p /app/media /app/private && chown portal /app/media /app/private
USER portal
EXPOSE 8000
# workers, timeout and max-requests: GUNICORN_* (config/gunicorn.conf.py)
CMD ["gunicorn", "config.wsgi:application", "--config", "config/gunicorn.conf.py", "--bind", "0.0.0.0:8000", "--access-logfile", "-"]
