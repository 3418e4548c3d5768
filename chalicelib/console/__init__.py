"""The professional's web console: signed sign-in links, sessions and CSRF, page views and queued commands."""
