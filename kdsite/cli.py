"""The `kdsite` command: a thin layer over build and serve."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from kdsite.errors import KdsiteError, StrictWarnings

# Exit statuses; argparse itself exits with 2 for a bad command line.
EXIT_ERRORS = 1
EXIT_STRICT_WARNINGS = 3
EXIT_STATUSES = f"""exit status:
  0  the site was built
  {EXIT_ERRORS}  content or configuration errors (each printed as file:line: what — fix)
  2  the command line itself is wrong
  {EXIT_STRICT_WARNINGS}  no errors, but --strict turned the warnings printed into a failure"""


def main(argv: list[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    parser = argparse.ArgumentParser(prog="kdsite", description="Build the knowledge-distillation explainer.")
    parser.add_argument("--root", type=Path, default=Path("."), help="project folder (default: current)")
    commands = parser.add_subparsers(dest="command", required=True)
    build_cmd = commands.add_parser("build", help="build the site into _site/", epilog=EXIT_STATUSES,
                                    formatter_class=argparse.RawDescriptionHelpFormatter)
    build_cmd.add_argument("--output", type=Path, help="output folder (default: _site)")
    build_cmd.add_argument("--strict", action="store_true", help="treat warnings as errors (for CI)")
    serve_cmd = commands.add_parser("serve", help="build, then preview on 127.0.0.1")
    serve_cmd.add_argument("--port", type=int, default=8000)
    serve_cmd.add_argument("--output", type=Path, help="output folder (default: _site)")
    serve_cmd.add_argument("--no-build", action="store_true", help="serve the existing output as it is")
    args = parser.parse_args(argv)

    from kdsite.build import build
    from kdsite.config import load_config

    try:
        config = load_config(args.root, output=args.output, strict=getattr(args, "strict", False))
        if not (args.command == "serve" and args.no_build):
            report = build(config)
            _print_warnings(report.warnings)
            print(f"Built {len(report.pages)} pages into {report.output} in {report.seconds:.1f} s.")
        if args.command == "serve":
            from kdsite.serve import serve
            package = Path(__file__).parent
            watch = None if args.no_build else [config.content_dir, config.templates_dir, package]
            serve(config.output_dir, port=args.port, watch=watch, rebuild=lambda: _rebuild(config))
        else:
            print("Preview: make serve (or kdsite serve), then open http://127.0.0.1:8000/")
    except StrictWarnings as error:
        _print_warnings(error.problems)
        count = len(error.problems)
        what = "1 warning fails" if count == 1 else f"{count} warnings fail"
        print(f"kdsite: --strict: {what} the build — fix {'it' if count == 1 else 'them'}, or build without --strict",
              file=sys.stderr)
        return EXIT_STRICT_WARNINGS
    except KdsiteError as error:
        print(f"kdsite: {error}", file=sys.stderr)
        return EXIT_ERRORS
    return 0


def _print_warnings(warnings) -> None:
    """Print each warning as `warning: file:line: what — fix`."""
    for warning in warnings:
        print(f"warning: {warning}", file=sys.stderr)


def _rebuild(config) -> None:
    """Rebuild for the preview server, printing what it made or what is wrong."""
    from kdsite.build import build

    report = build(config)
    _print_warnings(report.warnings)
    print(f"Rebuilt {len(report.pages)} pages in {report.seconds:.1f} s.", file=sys.stderr)


if __name__ == "__main__":
    sys.exit(main())
