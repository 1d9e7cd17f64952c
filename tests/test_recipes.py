"""The deployment recipes in scripts/recipes/ parse and carry the fields that make them correct.

They are not run here (no cluster, no GitHub runner); these checks catch a
recipe that would crawl the wrong shards, never merge, or lose the shards.
"""

from __future__ import annotations

import re
import shlex
from pathlib import Path
from typing import Any

import yaml
from click.testing import CliRunner

from scraper.cli import cli

RECIPES = Path(__file__).resolve().parent.parent / "scripts" / "recipes"


def _shard_count(command: str, index_expression: str) -> int:
    """The N of ``--shard <index>/N`` in a command, checking the index part."""
    match = re.search(r"--shard\s+\"?" + re.escape(index_expression) + r"/(\d+)\"?", command)
    assert match, f"--shard {index_expression}/N missing in: {command}"
    return int(match.group(1))


def _commands(container: dict[str, Any]) -> str:
    return " ".join([*container.get("command", []), *container.get("args", [])])


def _check_options(command: str) -> None:
    """Every long option the recipe passes to a fitarchive command exists on that command."""
    for part in command.split(";"):
        words = shlex.split(part.replace("||", ";").split(";")[0])
        if "fitarchive" not in words or "install" in words:
            continue
        name = words[words.index("fitarchive") + 1]
        assert name in cli.commands, name
        help_text = CliRunner().invoke(cli, [name, "--help"]).output
        for word in words:
            if word.startswith("--"):
                assert word in help_text, f"fitarchive {name} has no option {word}"


def test_the_kubernetes_recipe_is_an_indexed_job_per_shard_then_a_merge() -> None:
    documents = [
        doc for doc in yaml.safe_load_all((RECIPES / "kubernetes.yaml").read_text()) if doc
    ]
    by_name = {(doc["kind"], doc["metadata"]["name"]): doc for doc in documents}
    claim = by_name[("PersistentVolumeClaim", "fitarchive-shards")]
    assert "ReadWriteMany" in claim["spec"]["accessModes"]  # every pod and the merge see the shards

    crawl = by_name[("Job", "fitarchive-crawl")]["spec"]
    assert crawl["completionMode"] == "Indexed"
    container = crawl["template"]["spec"]["containers"][0]
    command = _commands(container)
    shards = _shard_count(command, "$JOB_COMPLETION_INDEX")
    assert crawl["completions"] == shards == crawl["parallelism"]
    assert "/shards/shard-$JOB_COMPLETION_INDEX-of-4.db" in command
    assert {m["mountPath"] for m in container["volumeMounts"]} >= {"/shards", "/config"}
    _check_options(" ".join(container["args"]))

    merge = by_name[("Job", "fitarchive-merge")]["spec"]["template"]["spec"]
    waits = " ".join(merge["initContainers"][0]["command"])
    assert "--for=condition=complete" in waits and "job/fitarchive-crawl" in waits
    merge_command = _commands(merge["containers"][0])
    assert re.search(
        r"fitarchive merge /shards/archive\.db /shards/shard-\*-of-4\.db", merge_command
    )
    assert merge["containers"][0]["volumeMounts"][0]["mountPath"] == "/shards"
    role = by_name[("Role", "fitarchive-waiter")]
    assert {"get", "watch"} <= set(role["rules"][0]["verbs"])

    nightly = by_name[("CronJob", "fitarchive-nightly")]["spec"]
    job = nightly["jobTemplate"]["spec"]
    assert job["completionMode"] == "Indexed"
    nightly_command = _commands(job["template"]["spec"]["containers"][0])
    assert _shard_count(nightly_command, "$JOB_COMPLETION_INDEX") == job["completions"] == shards
    assert "fitarchive merge /shards/archive.db" in nightly_command
    assert nightly["concurrencyPolicy"] == "Forbid"


def test_the_github_actions_recipe_is_a_shard_matrix_then_a_merge_job() -> None:
    workflow = yaml.safe_load((RECIPES / "github-actions.yml").read_text())
    triggers = workflow.get("on", workflow.get(True))  # YAML 1.1 reads a bare `on` as true
    assert "schedule" in triggers and "cron" in triggers["schedule"][0]
    crawl = workflow["jobs"]["crawl"]
    matrix = crawl["strategy"]["matrix"]["shard"]
    assert crawl["strategy"]["fail-fast"] is False  # one failing shard does not cancel the others
    run = " ".join(step.get("run", "") for step in crawl["steps"])
    shards = _shard_count(run, "${{ matrix.shard }}")
    assert matrix == list(range(shards))
    for step in crawl["steps"]:
        _check_options(step.get("run", "").replace("${{ matrix.shard }}", "0"))
    upload = next(
        step
        for step in crawl["steps"]
        if step.get("uses", "").startswith("actions/upload-artifact")
    )
    assert (
        upload["with"]["name"] == "shard-${{ matrix.shard }}"
        and upload["with"]["path"] == "shards/"
    )

    merge = workflow["jobs"]["merge"]
    assert merge["needs"] == "crawl"
    download = next(
        step
        for step in merge["steps"]
        if step.get("uses", "").startswith("actions/download-artifact")
    )
    assert download["with"]["pattern"] == "shard-*"
    merge_run = " ".join(step.get("run", "") for step in merge["steps"])
    assert re.search(
        r"fitarchive merge \S+ " + re.escape(download["with"]["path"]) + r"/shard-\*/", merge_run
    )
