"""Scenes of `sipdesk demo`, one module per flow, each with `play(stage, out)`."""
