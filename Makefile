# Tugboat — common tasks. `make run` sets up and starts a local cluster with the example app; `make test` tests.
SHELL := /bin/bash
COMPOSE := $(shell docker compose version >/dev/null 2>&1 && echo "docker compose" || echo docker-compose)
VITEST_ARGS ?=

.PHONY: setup build test run images up down clean bench

setup:
	bash scripts/setup

build:
	npm run build --silent

# Docker-engine tests need the engine and the offline images; without an engine they skip with a loud notice.
test: setup
	@bash scripts/start-docker && bash scripts/images || echo "NOTICE: no Docker engine could be started; docker tests will be skipped" >&2
	bash scripts/test $(VITEST_ARGS)

# The main job: a 3-node local cluster with the example app, on Docker when an engine runs or can be started.
run: setup
	@if bash scripts/start-docker && bash scripts/images; then driver=docker; else driver=process; \
	  echo "NOTICE: no Docker engine could be started; running replicas as host processes (--driver process)" >&2; fi; \
	  node cli/dist/main.js up --nodes 3 --driver $$driver --apply examples/web.yaml

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
