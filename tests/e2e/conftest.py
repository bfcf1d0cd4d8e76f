from tests.e2e.harness import tg  # noqa: F401  (the fixture)
