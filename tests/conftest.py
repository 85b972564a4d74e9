import pytest


@pytest.fixture
def write_csv(tmp_path):
    """Write CSV text to a file (the text is used as is: BOM, CRLF and all)."""

    def write(text: str, name: str = "export.csv", encoding: str = "utf-8"):
        path = tmp_path / name
        path.write_bytes(text.encode(encoding))
        return path

    return write
