"""Container and environment files: Dockerfiles, docker-compose.yml and .env.example."""

from __future__ import annotations

from .tree import BAD_VARIANT_RATE, Tree


def _backend_dockerfile(tree: Tree) -> None:
    path = "backend/Dockerfile"
    as_root = tree.rng.random() < BAD_VARIANT_RATE
    if as_root:
        tree.plant("DOCK001", path)
    user = "" if as_root else (
        "RUN useradd --create-home --uid 10001 appuser\n"
        "USER appuser\n"
    )
    tree.add(path, f'''
FROM python:3.12-slim AS builder
ENV PIP_NO_CACHE_DIR=1 PYTHONDONTWRITEBYTECODE=1
WORKDIR /build
COPY pyproject.toml ./
RUN pip wheel --wheel-dir /wheels .

FROM python:3.12-slim
ENV PYTHONUNBUFFERED=1
WORKDIR /app
COPY --from=builder /wheels /wheels
RUN pip install --no-cache-dir /wheels/* && rm -rf /wheels
COPY ./app /app/app
{user}EXPOSE 8000
CMD ["fastapi", "run", "--workers", "4", "app/main.py"]
''')


def _frontend_dockerfile(tree: Tree) -> None:
    tree.add("frontend/Dockerfile", '''
FROM node:20-alpine AS build
WORKDIR /app
COPY package*.json ./
RUN npm ci
COPY . .
ARG VITE_API_URL=/api/v1
RUN npm run build

FROM nginxinc/nginx-unprivileged:1.27-alpine
COPY --from=build /app/dist /usr/share/nginx/html
USER nginx
EXPOSE 8080
CMD ["nginx", "-g", "daemon off;"]
''')


def _compose_and_env(tree: Tree) -> None:
    tree.add("docker-compose.yml", '''
services:
  db:
    image: postgres:16
    restart: always
    env_file: .env
    environment:
      - POSTGRES_PASSWORD=${POSTGRES_PASSWORD?Variable not set}
      - POSTGRES_USER=${POSTGRES_USER?Variable not set}
      - POSTGRES_DB=${POSTGRES_DB?Variable not set}
    volumes:
      - app-db-data:/var/lib/postgresql/data/pgdata

  backend:
    build: ./backend
    depends_on:
      - db
    env_file: .env
    ports:
      - "8000:8000"

  frontend:
    build: ./frontend
    depends_on:
      - backend
    ports:
      - "8080:8080"

volumes:
  app-db-data:
''')
    tree.add(".env.example", '''
PROJECT_NAME="Acme Back Office"
ENVIRONMENT=local
FRONTEND_HOST=http://localhost:5173
BACKEND_CORS_ORIGINS="http://localhost:5173,https://app.example.com"
SECRET_KEY=changethis
POSTGRES_SERVER=db
POSTGRES_PORT=5432
POSTGRES_DB=app
POSTGRES_USER=postgres
POSTGRES_PASSWORD=changethis
''')
    tree.add("backend/pyproject.toml", '''
[project]
name = "app"
version = "0.1.0"
requires-python = ">=3.10"
dependencies = [
    "fastapi[standard]>=0.115",
    "sqlmodel>=0.0.22",
    "pydantic-settings>=2.6",
    "pyjwt>=2.9",
    "bcrypt>=4.2",
    "slowapi>=0.1.9",
    "psycopg[binary]>=3.2",
]
''')


def add_infra(tree: Tree) -> None:
    """Write the container and environment files."""
    _backend_dockerfile(tree)
    _frontend_dockerfile(tree)
    _compose_and_env(tree)
