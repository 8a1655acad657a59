"""Text decoding of exports: a UTF-16 byte-order mark before a cut-off body is bad input, never a crash."""

from __future__ import annotations

import pytest

from trustgap.errors import InputError
from trustgap.evidence.tabular import decode_text


@pytest.mark.parametrize("data", [b"\xfe\xff\x00\x00\x00", b"\xff\xfe\x41"])
def test_truncated_utf16_is_an_input_error_naming_the_file(data: bytes) -> None:
    with pytest.raises(InputError) as err:
        decode_text(data, "export.csv")
    assert err.value.path == "export.csv" and "not a text file" in err.value.message


def test_utf16_with_bom_is_read() -> None:
    assert decode_text("email\r\nann@acme.io\r\n".encode("utf-16"), "x.csv").startswith("email")
