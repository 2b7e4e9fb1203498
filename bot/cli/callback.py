"""`sipdesk callback-prompt`: the WAV file the call-back caller (baresip) plays."""

from __future__ import annotations

from pathlib import Path

import click


@click.command("callback-prompt")
@click.argument("out", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--seconds-to-key",
    type=click.IntRange(5, 120),
    default=25,
    show_default=True,
    help="Silence after the prompt: baresip ends the call when the file ends.",
)
def callback_prompt(out: Path, seconds_to_key: int) -> None:
    """Write the spoken prompt of the call-back to OUT (8 kHz mono WAV, for baresip's aufile)."""
    from telephony.callback.prompt import PromptError, make_prompt

    try:
        make_prompt(out, seconds_to_key=seconds_to_key)
    except PromptError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"wrote {out}: set it as baresip's audio_source (aufile,{out.resolve()})")
