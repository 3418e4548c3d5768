"""Connecting pages with Facebook Login, and keeping their tokens healthy."""
