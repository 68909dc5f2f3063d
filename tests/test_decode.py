import pytest

from tests.bad_inputs import ARABIC, FRENCH
from transforms.decode import decode_document, decode_json_text, declared_charset, utf8_share
from transforms.records import RecordError

RUSSIAN = "Украинские войска вошли в Херсон в пятницу после отступления российских сил, заявили военные."


@pytest.mark.parametrize("text, encoding", [
    (FRENCH, "cp1252"),
    ("Kobané", "cp1252"),  # one accented letter: not read as Cyrillic 'Kobanй'
    (ARABIC[0], "cp1256"),
    (RUSSIAN, "cp1251"),
    (RUSSIAN, "koi8_r"),
    (ARABIC[1], "utf_16"),
])
def test_legacy_code_pages_are_detected(text, encoding):
    decoded = decode_document(text.encode(encoding))
    assert decoded.text.lstrip("\ufeff") == text and decoded.encoding == encoding


def test_utf8_is_taken_as_it_is_with_or_without_bom():
    assert decode_document(ARABIC[0].encode("utf-8")) == (ARABIC[0], "utf-8")
    assert decode_document(b"\xef\xbb\xbf" + FRENCH.encode("utf-8")) == (FRENCH, "utf-8")


def test_stray_latin1_bytes_in_utf8_are_read_as_windows_1252():
    data = "Café Noir – “reopened”. ".encode("utf-8") + "Café Blanc too.".encode("latin-1") + b" \x81"
    assert decode_document(data) == ("Café Noir – “reopened”. Café Blanc too. \x81", "utf-8+cp1252")


def test_an_html_page_is_read_in_the_charset_it_declares():
    page = f'<html><head><meta charset="windows-1256"></head><body><p>{ARABIC[2]}</p></body></html>'
    assert decode_document(page.encode("cp1256"), html=True) == (page, "cp1256")
    assert declared_charset(b'<meta http-equiv="Content-Type" content="text/html; charset=KOI8-R">') == "koi8-r"
    assert declared_charset(b'<meta charset="no-such-codec">') is None


@pytest.mark.parametrize("data", [
    b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4,  # an image
    bytes(4096),  # NUL bytes: valid UTF-8, but not text
    b"Report\x00\x01\x02\x03\x04\x05" * 50,  # mostly control characters
])
def test_binary_data_is_not_text(data):
    with pytest.raises(RecordError) as error:
        decode_document(data)
    assert error.value.kind == "binary_content"


def test_a_few_control_characters_do_not_make_text_binary():
    text = FRENCH.replace(". ", ".\x00 ")
    assert decode_document(text.encode("utf-8")).text == text


def test_json_must_be_utf8():
    assert decode_json_text(b'\xef\xbb\xbf{"a": 1}') == '{"a": 1}'
    with pytest.raises(RecordError) as error:
        decode_json_text('{"text": "Kobané"}'.encode("latin-1"))
    assert error.value.kind == "invalid_utf8" and "RFC 8259" in str(error.value)


def test_utf8_share_counts_well_formed_sequences():
    assert utf8_share(b"plain ascii") == 1.0
    assert utf8_share("é".encode("utf-8") * 3 + b"\xe9") == pytest.approx(6 / 7)
