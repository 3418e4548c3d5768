"""Deciding what a text discloses: the Presidio engine, our recognizers, disclosure rules and the learned classifier."""
