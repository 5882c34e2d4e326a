# Tugboat — common tasks. `make run` sets up and starts a local cluster with the example app; `make test` tests.
SHELL := /bin/bash
COMPOSE := $(shell docker compose version >/dev/null 2>&1 && echo "docker compose" || echo docker-compose)
VITEST_ARGS ?=

.PHONY: setup build test run up down clean bench

setup:
	bash scripts/setup

build:
	npm run build --silent

test: setup
	npx vitest run $(VITEST_ARGS)

run: setup
	node cli/dist/main.js up --nodes 3 --driver process --apply examples/web.yaml

clean:
	npm run clean --silent
