"""Fault injection for tests: a loopback blog server whose chosen URLs misbehave.

``server.FaultServer`` serves the bundled sample blog on 127.0.0.1 (absolute
links rewritten to its own port) and answers chosen paths with a fault from
``server`` (status codes, resets, truncation, slow loris, redirects, huge
bodies, gzip bombs, ...). ``pages`` builds small WordPress-like post pages and
sitemaps for the faults to live in.
"""
