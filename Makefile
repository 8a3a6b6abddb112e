# Convenience targets; each one goes through scripts/bootstrap.sh, so they work on a fresh machine.
SHELL := /bin/bash
VENV := .venv/bin

.PHONY: run test bundle bench

run:  ## start the desktop app on the embedded SQLite database
	bash scripts/run-app.sh

test:  ## lint, types, import contracts and the whole pytest suite (same as .ci/run)
	bash scripts/run-tests.sh

bundle:  ## PyInstaller onedir build from build.spec into dist/cartox/; prints size and first-window time
	bash scripts/build-bundle.sh

bench:  ## run every benchmarks/*.py
	bash scripts/bootstrap.sh
	@set -e; shopt -s nullglob; files=(benchmarks/*.py); \
	if [ $${#files[@]} -eq 0 ]; then echo "bench: no benchmarks/*.py yet"; exit 0; fi; \
	for f in "$${files[@]}"; do echo "==> $$f"; QT_QPA_PLATFORM=offscreen $(VENV)/python "$$f"; done
