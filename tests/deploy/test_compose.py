"""docker/compose.yaml validates, and the image keeps secrets and build tools out of its runtime."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from hub.settings import PROJECT_ROOT

DOCKER = PROJECT_ROOT / "docker"
BIN = Path(sys.executable).parent


def validator(name: str) -> Path:
    """A validator installed by `make install` (the [dev] extra); skipped, with the reason, only without it."""
    path = BIN / name
    if not path.exists():
        found = shutil.which(name)
        if found is None:
            pytest.skip(f"{name} is not installed: `make install` installs it from pyproject's [dev] extra")
        path = Path(found)
    return path


@pytest.fixture(scope="module")
def deployment(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of docker/ with its secrets made by docker/make-secrets.sh, as an operator would."""
    if shutil.which("openssl") is None:
        pytest.skip("openssl is not installed: docker/make-secrets.sh makes the TLS certificate with it")
    copy = tmp_path_factory.mktemp("deploy") / "docker"
    shutil.copytree(DOCKER, copy, ignore=shutil.ignore_patterns("secrets"))
    subprocess.run(["sh", str(copy / "make-secrets.sh")], check=True, capture_output=True)
    return copy


def test_compose_file_matches_the_compose_specification() -> None:
    result = subprocess.run([validator("check-jsonschema"), "--builtin-schema", "vendor.compose-spec",
                             str(DOCKER / "compose.yaml")], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_schema_check_catches_a_misspelt_key(tmp_path: Path) -> None:
    broken = tmp_path / "compose.yaml"
    broken.write_text((DOCKER / "compose.yaml").read_text().replace("restart: unless-stopped", "restrat: no", 1))
    result = subprocess.run([validator("check-jsonschema"), "--builtin-schema", "vendor.compose-spec", str(broken)],
                            capture_output=True, text=True)
    assert result.returncode != 0


@pytest.mark.parametrize("profile", [[], ["--profile", "demo"]], ids=["production", "demo"])
def test_compose_config_resolves(deployment: Path, profile: list[str]) -> None:
    if shutil.which("podman") is None:
        pytest.skip("podman is not installed: `make test` installs Debian's podman where it runs as root with apt")
    result = subprocess.run([validator("podman-compose"), "-f", str(deployment / "compose.yaml"), *profile,
                             "config"], capture_output=True, text=True, cwd=deployment)
    assert result.returncode == 0, result.stderr
    services = yaml.safe_load(result.stdout)["services"]
    expected = {"db", "migrate", "grants", "hub-1", "hub-2", "worker", "proxy"}
    assert expected <= set(services)
    if profile:
        assert {"simulators", "demo"} <= set(services)


def test_every_secret_is_a_file_the_secrets_script_makes(deployment: Path) -> None:
    compose = yaml.safe_load((DOCKER / "compose.yaml").read_text())
    for name, secret in compose["secrets"].items():
        assert (deployment / secret["file"]).is_file(), f"make-secrets.sh does not make the secret {name}"
    for name, service in compose["services"].items():
        for volume in service.get("volumes", []):
            source = volume.split(":")[0]
            if source.startswith("./"):
                assert (DOCKER / source).exists(), f"{name} mounts {source}, which is not in docker/"


def test_replicas_run_as_the_runtime_role_and_only_the_migration_as_the_owner() -> None:
    compose = yaml.safe_load((DOCKER / "compose.yaml").read_text())
    services = compose["services"]
    for name in ("hub-1", "hub-2", "worker"):
        environment = services[name]["environment"]
        assert environment["HUB_DATABASE_URL"].startswith("postgresql+psycopg://hub_app@")
        assert environment["HUB_DATABASE_PASSWORD_FILE"] == "/run/secrets/hub_app_password"
        assert "hub_owner_password" not in services[name]["secrets"]
        assert services[name]["depends_on"]["grants"]["condition"] == "service_completed_successfully"
    assert services["migrate"]["environment"]["HUB_DATABASE_URL"].startswith("postgresql+psycopg://hub_owner@")
    assert services["grants"]["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
    # Both replicas and the worker share one key directory, which is a volume and never part of the image.
    for name in ("hub-1", "hub-2", "worker"):
        assert "hub-keys:/var/lib/hub/keys" in services[name]["volumes"]


def test_the_image_runs_unprivileged_with_a_health_check_and_every_step_is_the_script() -> None:
    dockerfile = (DOCKER / "Dockerfile").read_text()
    stages = re.split(r"^FROM ", dockerfile, flags=re.MULTILINE)[1:]
    runtime = stages[-1]
    assert "AS runtime" in runtime.splitlines()[0]
    assert re.search(r"^USER hub$", runtime, flags=re.MULTILINE)
    assert re.search(r"^HEALTHCHECK .*hub-healthcheck", runtime, flags=re.MULTILINE)
    assert "/healthz" in (DOCKER / "healthcheck.py").read_text()
    for line in dockerfile.splitlines():
        if line.startswith("RUN "):
            assert line.startswith("RUN build-steps.sh "), f"a RUN step that is not in build-steps.sh: {line}"
    # Nothing secret is copied into any stage, and the build context leaves keys and local state out.
    copied = " ".join(line for line in dockerfile.splitlines() if line.startswith("COPY "))
    assert "secrets" not in copied and "var" not in copied.split()
    ignored = (PROJECT_ROOT / ".dockerignore").read_text().split()
    assert {"var", "*.pem", "*.key", "docker/secrets", ".venv"} <= set(ignored)


def test_build_steps_run_outside_a_container(tmp_path: Path) -> None:
    """The image's Python steps on a plain host: a virtualenv with the hub, pruned of pip, passing the check
    that no build tool is left in it (the runtime stage runs the same check)."""
    venv = tmp_path / "hub"
    script = DOCKER / "build-steps.sh"
    subprocess.run(["sh", str(script), "venv", str(PROJECT_ROOT), str(venv)], check=True, timeout=900)
    subprocess.run(["sh", str(script), "prune", str(venv)], check=True)
    assert not (venv / "bin" / "pip").exists()
    # The host itself has compilers: the check looks at the virtualenv, with a PATH holding only it.
    result = subprocess.run(["/bin/sh", str(script), "check", str(venv)], capture_output=True, text=True,
                            env={"PATH": str(venv / "bin")})
    assert result.returncode == 0, result.stderr
    help_text = subprocess.run([str(venv / "bin" / "hub"), "--help"], capture_output=True, text=True, check=True)
    assert "migrate" in help_text.stdout
