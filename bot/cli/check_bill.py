"""`sipdesk check-bill`: judge a phone bill as staff would, from the command line."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import click


@click.command("check-bill")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--number", required=True, help="The number the customer claims, any spelling.")
@click.option("--holder", required=True, help="The customer's legal name.")
@click.option(
    "--as-of",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="Judge as of this day (YYYY-MM-DD; default today).",
)
@click.option("--region", default="IE", show_default=True, help="Region for national numbers.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@click.option(
    "--highlight",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write a PNG crop around the number and the name.",
)
def check_bill(
    file: Path,
    number: str,
    holder: str,
    as_of: dt.datetime | None,
    region: str,
    as_json: bool,
    highlight: Path | None,
) -> None:
    """Judge FILE (a PDF, or a JPEG, PNG, HEIC or WebP picture) as evidence that HOLDER owns NUMBER.

    Exits 0 with a verdict (pass, review, fail); exits 2 with {"error", "message"} when the
    file cannot be judged.
    """
    from ocr_checks import BillError, Claim, InvalidNumber, examine
    from ocr_checks.highlight import write_highlight

    if highlight is not None and not highlight.parent.is_dir():  # say so before the slow part
        raise click.BadParameter(
            f"the folder {highlight.parent} does not exist; create it or pick another path.",
            param_hint="--highlight",
        )
    claim = Claim(
        number=number,
        holder=holder,
        as_of=as_of.date() if as_of else dt.date.today(),
        region=region,
    )
    data = file.read_bytes()
    try:
        report = examine(data, claim)
    except InvalidNumber as e:
        raise click.BadParameter(str(e), param_hint="--number") from e
    except BillError as e:
        click.echo(json.dumps(e.to_dict(), ensure_ascii=False))
        raise SystemExit(2) from e
    click.echo(report.to_json() if as_json else report.to_text())
    if highlight is not None:
        try:
            if not write_highlight(data, report, highlight):
                click.echo(
                    "No highlight: neither the number nor the name is on the bill.", err=True
                )
        except BillError as e:
            click.echo(f"No highlight: {e.message}", err=True)
        except OSError as e:
            raise click.ClickException(
                f"No highlight: cannot write {highlight} ({e.strerror})."
            ) from None
