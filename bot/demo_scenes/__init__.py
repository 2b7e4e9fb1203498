"""Scenes of `sipdesk demo`, one module per flow, each exposing `play(stage, out)`."""
