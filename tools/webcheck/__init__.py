"""`make check-web` and `make screenshots`: the public pages under real checkers.

``demo_site`` fills a fresh database with the demo samples through the real
pipeline; ``portal`` serves it on a free 127.0.0.1 port; ``run`` puts the pages
through Lighthouse, axe-core and the Nu HTML checker; ``screenshots`` takes the
README pictures.
"""
