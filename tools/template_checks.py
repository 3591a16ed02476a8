"""The template quality gate behind `make template-check`; offline, needs no credentials.

Steps (any finding fails the run with a non-zero exit):

1. cfn-lint on template.yaml;
2. `sam validate --lint`;
3. the SAM template translated to CloudFormation with samtranslator — what the
   AWS::Serverless transform does at deploy time — then cfn-lint on the result: cfn-lint 1.x
   no longer expands SAM, so a bad reference inside a function's properties only shows here.
   The translation runs with the parameters' defaults and again with each of
   TRANSLATION_VARIANTS (``--variant`` replaces them): SAM resolves a few properties when it
   transforms (AutoPublishAlias, AutoPublishCodeSha256, ...), so a variant may translate to
   other resources. One that translates to the same template is reported as such; one that
   does not is linted and scanned like the default;
4. checkov on both templates: the translation exposes what SAM generates (IAM roles, the API
   stage, Lambda permissions). Checkov only runs once both templates lint clean, because it
   exits 0 on a template it cannot parse; its JSON report must also show passed checks.

Checkov skips live in template.yaml, next to their resource (`Metadata.checkov.skip`, each
with a comment). The translation hands every SAM resource's Metadata on to the resources it
generates, so one skip on a function also covers its generated function and role. A skip
without a reason, or one that matches no check, fails the run: stale skips hide regressions.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_TEMPLATE = REPO_ROOT / "template.yaml"
DEFAULT_OUT_DIR = REPO_ROOT / ".aws-sam" / "template-checks"
DEFAULT_REGION = "us-east-1"
PLACEHOLDER_BUCKET = "parley-template-checks"

# Translation artefacts, not template faults: SAM emits DependsOn that Refs already imply
# (W3005), resolves parameters it consumes at transform time so they look unused (W2001),
# and leaves Fn::Sub around strings it has already substituted (W1020).
TRANSLATED_IGNORES = ("W3005", "W2001", "W1020")

# Parameter values translated besides the defaults, by label. SnapStart=true: the parameter
# switches SnapStart on the aliased functions through CloudFormation intrinsics, so today it
# translates to the same template; this keeps it so (or lints the difference) if that changes.
TRANSLATION_VARIANTS: dict[str, dict[str, str]] = {"SnapStart=true": {"SnapStart": "true"}}

# Local paths that `sam package` would upload; the translator only accepts S3 locations.
LOCAL_URI_PROPERTIES = {
    "AWS::Serverless::Function": "CodeUri",
    "AWS::Serverless::LayerVersion": "ContentUri",
    "AWS::Serverless::Api": "DefinitionUri",
    "AWS::Serverless::HttpApi": "DefinitionUri",
    "AWS::Serverless::StateMachine": "DefinitionUri",
}

Template = dict[str, Any]


@dataclass
class StepResult:
    name: str
    ok: bool
    summary: str
    details: str = ""
    seconds: float = 0.0
    # checkov only: (logical id, check id) pairs it skipped.
    skips_used: set[tuple[str, str]] = field(default_factory=set)


@dataclass(frozen=True)
class Context:
    template: Path
    out_dir: Path
    checkov: Path
    env: dict[str, str]
    variants: dict[str, dict[str, str]] = field(default_factory=lambda: dict(TRANSLATION_VARIANTS))


def tool(name: str) -> str:
    """The console script next to this interpreter (the venv's), else the one on PATH."""
    sibling = Path(sys.executable).parent / name
    if sibling.exists():
        return str(sibling)
    found = shutil.which(name)
    if found is None:
        raise SystemExit(f"template checks: `{name}` not found next to {sys.executable} or on PATH")
    return found


def shown(path: Path) -> Path:
    return path.relative_to(REPO_ROOT) if path.is_relative_to(REPO_ROOT) else path


def run(cmd: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    # The commands are this module's own fixed tool invocations, never user input.
    return subprocess.run(  # noqa: S603
        cmd, cwd=REPO_ROOT, env=env, capture_output=True, text=True, check=False
    )


def timed(name: str, body: Callable[[], StepResult]) -> StepResult:
    start = time.perf_counter()
    try:
        result = body()
    except Exception as error:  # a crashing step is still a failed step, reported
        result = StepResult(name, ok=False, summary=f"crashed: {error!r}")
    result.seconds = time.perf_counter() - start
    return result


# ------------------------------------------------------------------------------------------
# Steps
# ------------------------------------------------------------------------------------------
def cfn_lint(name: str, template: Path, env: dict[str, str], ignore: tuple[str, ...] = ()) -> StepResult:
    cmd = [tool("cfn-lint")]
    if ignore:
        cmd += ["--ignore-checks", *ignore]
    proc = run([*cmd, "--", str(template)], env)
    output = (proc.stdout + proc.stderr).strip()
    if proc.returncode == 0 and not output:
        return StepResult(name, ok=True, summary="no findings")
    findings = sum(1 for line in output.splitlines() if line[:1] in "EWI" and line[1:5].isdigit())
    return StepResult(name, ok=False, summary=f"{findings} finding(s)", details=output)


def sam_validate(ctx: Context) -> StepResult:
    name = "sam validate --lint"
    proc = run([tool("sam"), "validate", "--lint", "--template-file", str(ctx.template)], ctx.env)
    output = (proc.stdout + proc.stderr).strip()
    if proc.returncode == 0:
        return StepResult(name, ok=True, summary="valid SAM template")
    return StepResult(name, ok=False, summary=f"exit {proc.returncode}", details=output)


class _NoManagedPolicies:
    """Stands in for samtranslator's IAM-backed loader: managed policies by name need AWS."""

    def load(self) -> dict[str, str]:
        return {}


def with_placeholder_uris(sam_template: Template) -> Template:
    """Replace local code and definition paths with S3 placeholders, as `sam package` would."""
    resources: dict[str, Template] = sam_template.get("Resources", {})
    sections: list[tuple[str, str, Template]] = [
        (logical_id, resource.get("Type", ""), resource.get("Properties", {}))
        for logical_id, resource in resources.items()
    ]
    for section, properties in sam_template.get("Globals", {}).items():
        sections.append((f"Globals{section}", f"AWS::Serverless::{section}", properties))
    for name, resource_type, properties in sections:
        key = LOCAL_URI_PROPERTIES.get(resource_type)
        value = properties.get(key) if key else None
        if key and isinstance(value, str) and not value.startswith("s3://"):
            properties[key] = f"s3://{PLACEHOLDER_BUCKET}/{name}"
    return sam_template


def translate(template: Path, parameter_values: dict[str, str] | None = None) -> Template:
    from samcli.yamlhelper import yaml_parse  # heavy: imported where needed
    from samtranslator.model.exceptions import InvalidDocumentException
    from samtranslator.translator.transform import transform

    # Each translation replaces the translator's metrics singleton; the one it drops logs that
    # its (never published, purely local) metrics are lost.
    logging.getLogger("samtranslator.metrics.metrics").setLevel(logging.ERROR)
    sam_template = with_placeholder_uris(yaml_parse(template.read_text(encoding="utf-8")))
    try:
        translated: Template = transform(
            sam_template,
            dict(parameter_values or {}),  # the translator adds the defaults of the others
            _NoManagedPolicies(),  # duck-typed: the translator only calls .load()
            # Carries each SAM resource's Metadata (and so its checkov skips) to what it generates.
            passthrough_metadata=True,
        )
    except InvalidDocumentException as error:
        causes = "\n".join(f"  {cause.message}" for cause in error.causes)
        raise TranslationError(f"{error.message}\n{causes}") from error
    return translated


class TranslationError(Exception):
    pass


def translate_to(ctx: Context, name: str, parameter_values: dict[str, str], path: Path) -> StepResult:
    try:
        translated = translate(ctx.template, parameter_values)
    except TranslationError as error:
        return StepResult(name, ok=False, summary="translation failed", details=str(error))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(translated, indent=1, sort_keys=True), encoding="utf-8")
    count = len(translated.get("Resources", {}))
    return StepResult(name, ok=True, summary=f"{count} resources -> {shown(path)}")


def variant_file_name(label: str) -> str:
    return "template." + "".join(c if c.isalnum() else "-" for c in label) + ".json"


def translate_and_lint(ctx: Context, translated_path: Path) -> tuple[list[StepResult], dict[str, Path]]:
    """The translations' and their lints' results, and the translated templates to scan by label."""
    name = "samtranslator (SAM -> CloudFormation)"
    translated = timed(name, partial(translate_to, ctx, name, {}, translated_path))
    if not translated.ok:
        return [translated], {}
    results = [translated]
    to_scan = {"translated": translated_path}
    default_text = translated_path.read_text(encoding="utf-8")
    for label, parameter_values in ctx.variants.items():
        name = f"samtranslator with {label}"
        path = translated_path.with_name(variant_file_name(label))
        variant = timed(name, partial(translate_to, ctx, name, parameter_values, path))
        if variant.ok and path.read_text(encoding="utf-8") == default_text:
            variant.summary = "the same CloudFormation as with the defaults"
        elif variant.ok:
            to_scan[f"translated with {label}"] = path
        results.append(variant)
    for label, path in to_scan.items():
        lint_name = "cfn-lint translated template" if path == translated_path else f"cfn-lint {label}"
        results.append(timed(lint_name, partial(cfn_lint, lint_name, path, ctx.env, TRANSLATED_IGNORES)))
    return results, to_scan


def checkov_scan(ctx: Context, label: str, template: Path) -> StepResult:
    name = f"checkov {label}"
    cmd = [str(ctx.checkov), "--skip-download", "--framework", "cloudformation", "--compact"]
    proc = run([*cmd, "--output", "json", "--file", str(template)], ctx.env)
    try:
        report = json.loads(proc.stdout)
    except json.JSONDecodeError:
        detail = (proc.stdout + proc.stderr).strip()[-4000:]
        return StepResult(name, ok=False, summary=f"no JSON report (exit {proc.returncode})", details=detail)
    return judge_checkov_report(name, report)


def judge_checkov_report(name: str, report: Any) -> StepResult:
    # One framework gives one report object; a list means several (or none) and is not expected.
    if not isinstance(report, dict) or "results" not in report:
        return StepResult(name, ok=False, summary="checkov parsed nothing", details=str(report)[:2000])
    results: dict[str, list[dict[str, Any]]] = report["results"]
    passed, failed = results.get("passed_checks", []), results.get("failed_checks", [])
    skipped, parse_errors = results.get("skipped_checks", []), results.get("parsing_errors", [])
    problems = [f"FAILED {c['check_id']} {c['resource']}: {c['check_name']}" for c in failed]
    problems += [f"parse error: {path}" for path in parse_errors]
    unexplained = [c for c in skipped if _skip_comment(c) in {"", "No comment provided"}]
    problems += [f"skip without a reason: {c['check_id']} on {c['resource']}" for c in unexplained]
    if not passed:
        problems.append("checkov reported no passed check: it did not really scan the template")
    summary = f"{len(passed)} passed, {len(failed)} failed, {len(skipped)} skipped"
    used = {(str(c["resource"]).rsplit(".", 1)[-1], str(c["check_id"])) for c in skipped}
    return StepResult(name, not problems, summary, "\n".join(problems), skips_used=used)


def _skip_comment(check: dict[str, Any]) -> str:
    return str(check.get("check_result", {}).get("suppress_comment") or "").strip()


def declared_skips(template: Path) -> set[tuple[str, str]]:
    from samcli.yamlhelper import yaml_parse  # heavy: imported where needed

    resources: dict[str, Template] = yaml_parse(template.read_text(encoding="utf-8")).get("Resources", {})
    return {
        (logical_id, str(skip.get("id")))
        for logical_id, resource in resources.items()
        for skip in (resource.get("Metadata") or {}).get("checkov", {}).get("skip", [])
    }


def stale_skips(template: Path, scans: list[StepResult]) -> StepResult:
    name = "checkov skips all in use"
    used: set[tuple[str, str]] = set().union(*(scan.skips_used for scan in scans))
    stale = sorted(declared_skips(template) - used)
    if not stale:
        return StepResult(name, ok=True, summary="every declared skip matched a check")
    details = "\n".join(
        f"{logical_id}: {check_id} skips nothing; remove it" for logical_id, check_id in stale
    )
    return StepResult(name, ok=False, summary=f"{len(stale)} stale skip(s)", details=details)


# ------------------------------------------------------------------------------------------
# Orchestration
# ------------------------------------------------------------------------------------------
def run_all(ctx: Context) -> list[StepResult]:
    translated_path = ctx.out_dir / "template.json"
    with ThreadPoolExecutor(max_workers=3) as pool:
        lint_name = "cfn-lint template.yaml"
        lint = pool.submit(timed, lint_name, lambda: cfn_lint(lint_name, ctx.template, ctx.env))
        validate = pool.submit(timed, "sam validate --lint", lambda: sam_validate(ctx))
        translated = pool.submit(translate_and_lint, ctx, translated_path)
        translation_results, translated_targets = translated.result()
        results = [lint.result(), validate.result(), *translation_results]
    if not all(result.ok for result in results):
        results.append(StepResult("checkov", ok=False, summary="not run: fix the findings above first"))
        return results
    targets = {"template.yaml": ctx.template, **translated_targets}
    with ThreadPoolExecutor(max_workers=len(targets)) as pool:
        scans = [
            pool.submit(timed, f"checkov {label}", partial(checkov_scan, ctx, label, path))
            for label, path in targets.items()
        ]
        checkov_results = [scan.result() for scan in scans]
    results += checkov_results
    if all(result.ok for result in checkov_results):
        results.append(timed("checkov skips all in use", lambda: stale_skips(ctx.template, checkov_results)))
    return results


def report(results: list[StepResult]) -> int:
    width = max(len(result.name) for result in results)
    for result in results:
        status = "PASS" if result.ok else "FAIL"
        print(f"{status}  {result.name:<{width}}  {result.seconds:5.1f} s  {result.summary}", flush=True)
        if not result.ok and result.details:
            print("      " + result.details.replace("\n", "\n      "), flush=True)
    failed = [result.name for result in results if not result.ok]
    if failed:
        print(f"template checks FAILED: {', '.join(failed)}", file=sys.stderr)
        return 1
    print("template checks passed")
    return 0


def parse_variants(values: list[str]) -> dict[str, dict[str, str]]:
    """``--variant`` values: each ``KEY=VALUE[,KEY=VALUE...]`` is one translation, labelled by itself."""
    variants = {}
    for value in values:
        pairs = [pair.partition("=") for pair in value.split(",") if pair]
        if not pairs or any(not key or not sep for key, sep, _ in pairs):
            raise ValueError(f"--variant {value!r}: expected KEY=VALUE[,KEY=VALUE...]")
        variants[value] = {key: parameter for key, _, parameter in pairs}
    return variants


def main(argv: list[str] | None = None) -> int:
    description = "Lint, translate and scan template.yaml; exit 1 on any finding."
    parser = argparse.ArgumentParser(prog="python -m tools.template_checks", description=description)
    parser.add_argument("--checkov", type=Path, default=REPO_ROOT / ".venv-checkov" / "bin" / "checkov")
    parser.add_argument("--template", type=Path, default=DEFAULT_TEMPLATE)
    parser.add_argument("--out-dir", type=Path, default=DEFAULT_OUT_DIR, help="translation output")
    parser.add_argument(
        "--variant",
        action="append",
        metavar="KEY=VALUE[,KEY=VALUE...]",
        help="parameter values to translate with besides the defaults (repeatable; replaces "
        f"the built-in {', '.join(TRANSLATION_VARIANTS)})",
    )
    args = parser.parse_args(argv)
    try:
        variants = dict(TRANSLATION_VARIANTS) if args.variant is None else parse_variants(args.variant)
    except ValueError as error:
        parser.error(str(error))
    if not args.checkov.exists():
        parser.error(f"checkov not found at {args.checkov} (make creates it in .venv-checkov)")
    # The translator reads the region from the environment; nothing here may reach AWS.
    os.environ.setdefault("AWS_DEFAULT_REGION", DEFAULT_REGION)
    env = {**os.environ, "SAM_CLI_TELEMETRY": "0", "AWS_EC2_METADATA_DISABLED": "true"}
    ctx = Context(args.template.resolve(), args.out_dir.resolve(), args.checkov.resolve(), env, variants)
    return report(run_all(ctx))


if __name__ == "__main__":
    sys.exit(main())
