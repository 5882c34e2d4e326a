# Tugboat — common tasks. `make run` sets up and starts a local cluster with the example app; `make test` tests.
SHELL := /bin/bash
VITEST_ARGS ?=

.PHONY: setup build test lint run images up down clean bench

setup:
	bash scripts/setup

build:
	npm run build --silent

# Docker-engine tests need the engine and the offline images; without an engine they skip with a loud notice.
test: setup
	@bash scripts/start-docker && bash scripts/images || echo "NOTICE: no Docker engine could be started; docker tests will be skipped" >&2
	bash scripts/test $(VITEST_ARGS)

# ESLint (typescript-eslint), Prettier (120 columns), and no phantom dependencies or import cycles.
lint:
	npx eslint .
	npx prettier --check . --log-level warn
	node scripts/check-imports.mjs

# The main job: a 3-node local cluster with the example app, on Docker when an engine runs or can be started.
run: setup
	@if bash scripts/start-docker && bash scripts/images; then driver=docker; else driver=process; \
	  echo "NOTICE: no Docker engine could be started; running replicas as host processes (--driver process)" >&2; fi; \
	  node cli/dist/main.js up --nodes 3 --driver $$driver --apply examples/web.yaml

# Container images with no registry (docs/operations.md, "Offline images"); fast when they are up to date.
images:
	bash scripts/start-docker
	bash scripts/images

# The whole system as containers (compose.yaml); returns once the registry answers. TUG_COMPOSE_PROJECT names it.
up: build images
	bash scripts/compose up

# Stops the containers, deletes their volumes, then removes every replica container this cluster's workers created.
down:
	bash scripts/compose down

clean:
	npm run clean --silent
