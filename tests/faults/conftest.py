from tests.fakes.fixtures import refused_url, vendor_server  # noqa: F401 - fixtures used by this package
