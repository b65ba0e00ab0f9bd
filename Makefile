# Vaxla's commands. `make test` is what CI runs; `make demo` shows the product.
# Everything works from a fresh clone on a machine with python3, pip and cargo.

SHELL := bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help

UV := tools/uv
VENV := .venv
BIN := $(VENV)/bin
CARGO_MANIFEST := dispatcher-rs/Cargo.toml
# pyo3's build script asks this interpreter which Python to link against.
CARGO := PYO3_PYTHON=$(abspath $(BIN)/python) cargo

# Python comes from the machine (pyenv, Debian); uv must never download one.
export UV_PYTHON_DOWNLOADS := never

.PHONY: help setup lint test demo installers bench bench-quick bench-ewt bench-calls bench-events bench-reports clean

help:
	@echo "make setup        create .venv with every package and dev tool (run by the others)"
	@echo "make test         lint, then the Rust and Python tests (what CI runs)"
	@echo "make lint         ruff, mypy, stubtest, cargo fmt --check, clippy"
	@echo "make demo         run the server on loopback and open the desktop on it"
	@echo "make installers   build dist/vaxla-VERSION-x64.msi, dist/vaxla_VERSION_amd64.deb, dist/Vaxla.app"
	@echo "                  and its DMG (MACOS_PYTHON=tarball MACOS_PYTHON_SHA256=hex: the macOS runtime)"
	@echo "make bench        full dispatcher benchmark (Rust engine against the Python reference)"
	@echo "make bench-quick  short dispatcher benchmark"
	@echo "make bench-ewt    the wait estimate against QL, QLm and HOL on simulated M/M/s+M queues"
	@echo "make bench-calls  the whole server under SIPp calls: concurrent calls, call rate, CPU and memory"
	@echo "make bench-events the event socket under 1 to 1,000 desktops: delivery time and order"
	@echo "make bench-reports a month's reports (1 million events) from the whole log and from the summaries; a start from their snapshot against a rebuild"
	@echo "make clean        remove .venv, build output and caches"

# uv sync is a no-op when .venv already matches uv.lock, and it rebuilds the Rust
# extension only when dispatcher-rs's cache-keys changed; so this stays quick.
setup:
	@tools/ensure-debian-packages
	@tools/ensure-sipp-tls
	@$(UV) sync --locked --all-packages --group dev

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports --no-cache
	$(BIN)/python -m mypy.stubtest vaxla_dispatcher._native
	$(CARGO) fmt --manifest-path $(CARGO_MANIFEST) --all --check
	$(CARGO) clippy --manifest-path $(CARGO_MANIFEST) --workspace --all-targets --quiet -- -D warnings

# The desktop's server-restart tests run in a process of their own: the restarted server
# must get its port back, which a test running beside them could take in between.
OWN_PROCESS_TESTS = tests/desktop/test_reconnect.py::test_after_a_server_restart_the_agent_is_back_in_its_queues \
	tests/desktop/test_standby_reconnect.py::test_after_a_server_restart_the_stand_by_agent_stands_by_again

test: lint
	$(CARGO) test --manifest-path $(CARGO_MANIFEST) --workspace --quiet
	QT_QPA_PLATFORM=offscreen $(BIN)/pytest -n 2 --dist worksteal --durations=30 $(foreach t,$(OWN_PROCESS_TESTS),--deselect $(t))
	QT_QPA_PLATFORM=offscreen $(BIN)/pytest -p no:randomly $(OWN_PROCESS_TESTS)

demo: setup
	@VENV_BIN=$(BIN) tools/demo

# SIGN_CERT and SIGN_KEY (PEM files) sign the MSI with Authenticode (osslsigncode).
installers: setup
	$(BIN)/python installers/build.py $(if $(SIGN_CERT),--sign-cert $(SIGN_CERT) --sign-key $(SIGN_KEY)) \
		$(if $(MACOS_PYTHON),--macos-python $(MACOS_PYTHON) --macos-python-sha256 $(MACOS_PYTHON_SHA256))

bench: setup
	$(BIN)/python -m vaxla_dispatcher.bench

bench-quick: setup
	$(BIN)/python -m vaxla_dispatcher.bench --quick

bench-ewt: setup
	$(BIN)/python -m vaxla_dispatcher.ewt_bench

bench-calls: setup
	@VENV_BIN=$(BIN) tools/bench-calls

bench-events: setup
	@VENV_BIN=$(BIN) tools/bench-events

bench-reports: setup
	@VENV_BIN=$(BIN) tools/bench-reports

clean:
	rm -rf $(VENV) dispatcher-rs/target .demo build dist .pytest_cache .mypy_cache .ruff_cache .hypothesis tools/.cache
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
	find dispatcher-rs/python -name '*.so' -delete
