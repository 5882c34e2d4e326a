# Tugboat — common tasks. `make run` sets up and starts a local cluster with the example app; `make test` tests.
SHELL := /bin/bash
COMPOSE := $(shell docker compose version >/dev/null 2>&1 && echo "docker compose" || echo docker-compose)
VITEST_ARGS ?=

.PHONY: setup build test run images up down clean bench

setup:
	bash scripts/setup

build:
	npm run build --silent

test: setup
	npx vitest run $(VITEST_ARGS)

run: setup
	node cli/dist/main.js up --nodes 3 --driver process --apply examples/web.yaml

# Container images with no registry (docs/operations.md, "Offline images"); fast when they are up to date.
images:
	bash scripts/start-docker
	bash scripts/images

# The whole system as containers (compose.yaml); returns once the registry answers.
up: build images
	$(COMPOSE) -f compose.yaml -p tugboat up -d
	@for i in $$(seq 1 120); do curl -fsS -o /dev/null http://127.0.0.1:7070/healthz 2>/dev/null && break; \
	  [ $$i = 120 ] && { echo "up: the registry did not answer on 127.0.0.1:7070 within 60 s" >&2; \
	    $(COMPOSE) -f compose.yaml -p tugboat ps >&2; exit 1; }; sleep 0.5; done
	@echo "tugboat is up: API http://127.0.0.1:7070  DNS 127.0.0.1:5353 (udp/tcp)  proxy 127.0.0.1:<published port>"
	@echo "  status: $(COMPOSE) -f compose.yaml -p tugboat ps   stop: make down"

# Stops the containers, deletes their volumes, then removes every replica container the workers created.
down:
	$(COMPOSE) -f compose.yaml -p tugboat down -v --remove-orphans
	docker ps -aq --filter label=tug.replica | xargs -r docker rm -f

clean:
	npm run clean --silent
