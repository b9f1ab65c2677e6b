"""Collect answers in a browser: a collection folder, invite links, a small web server, and its status."""
