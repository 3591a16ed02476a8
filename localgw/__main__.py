"""`python -m localgw`: serve template.yaml on 127.0.0.1 until Ctrl-C or SIGTERM."""

from __future__ import annotations

import argparse
import logging
import signal
import sys
import threading
from collections.abc import Sequence
from pathlib import Path
from types import FrameType

from localgw.gateway import start

DEFAULT_STATE_FILE = ".parley-local.json"


def parse_overrides(items: Sequence[str]) -> dict[str, str]:
    overrides: dict[str, str] = {}
    for item in items:
        for pair in item.replace(",", " ").split():
            key, separator, value = pair.partition("=")
            if not separator:
                raise argparse.ArgumentTypeError(f"--parameter-overrides wants Key=Value, got {pair!r}")
            overrides[key.removeprefix("ParameterKey=")] = value
    return overrides


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m localgw", description=__doc__)
    parser.add_argument("--port", type=int, default=3000, help="0 picks a free port")
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (loopback only by default)")
    parser.add_argument("--template", default="template.yaml")
    parser.add_argument("--parameter-overrides", nargs="*", default=[], metavar="KEY=VALUE")
    parser.add_argument(
        "--state-file", default=None, help=f"default: {DEFAULT_STATE_FILE} next to the template"
    )
    parser.add_argument("--no-seed", action="store_true", help="do not load the demo tenant")
    parser.add_argument(
        "--schedule-interval",
        type=float,
        default=None,
        metavar="SECONDS",
        help="run every scheduled function this often instead of at its rate (tests, demos)",
    )
    parser.add_argument("--log-level", default="INFO")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=args.log_level.upper(), format="%(asctime)s %(name)s %(message)s")
    # The gateway logs one line per request itself; werkzeug would add one per moto call too.
    for noisy in ("werkzeug", "botocore", "boto3", "urllib3"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    template = Path(args.template)
    state_file = Path(args.state_file) if args.state_file else template.resolve().parent / DEFAULT_STATE_FILE

    stopping = threading.Event()

    def request_stop(signum: int, frame: FrameType | None) -> None:
        stopping.set()

    signal.signal(signal.SIGTERM, request_stop)
    signal.signal(signal.SIGINT, request_stop)

    gateway = start(
        port=args.port,
        template=template,
        parameter_overrides=parse_overrides(args.parameter_overrides),
        seed=not args.no_seed,
        state_file=state_file,
        host=args.host,
        schedule_interval=args.schedule_interval,
    )
    try:
        print(f"Parley local gateway on {gateway.url} (state: {gateway.state_file})", flush=True)
        if gateway.demo_key:
            print(f"Demo API key: {gateway.demo_key}", flush=True)
        if gateway.demo_publishable_key:
            print(
                f"Demo publishable key (turn API only, for browser pages): {gateway.demo_publishable_key}",
                flush=True,
            )
            print(f"Chat demo (NLX's Touchpoint widget): {gateway.url}/demo", flush=True)
            print(f"Try: {gateway.curl_line()}", flush=True)
        print("Ctrl-C stops it.", flush=True)
        stopping.wait()
    finally:
        gateway.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
