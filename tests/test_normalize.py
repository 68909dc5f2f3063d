from transforms.normalize import content_hash, normalize_field, normalize_text, stable_id


def test_normalize_text_folds_invisible_and_spacing():
    raw = "  Hawija\u200b  fell\r\n\r\n\r\n\r\nto Iraqi\u00a0forces.\x00  \n"
    assert normalize_text(raw) == "Hawija fell\n\nto Iraqi forces."


def test_normalize_text_composes_unicode():
    assert normalize_text("Al Ḩawi\u0304jah") == "Al Ḩawījah"


def test_normalize_field_is_one_line_or_none():
    assert normalize_field("  Siege\n of  Amerli ") == "Siege of Amerli"
    assert normalize_field(" \u200b ") is None
    assert normalize_field(None) is None


def test_content_hash_ignores_case_and_spacing_only():
    assert content_hash("IS seized Mosul.\n\nResidents fled.") == content_hash("is seized  mosul. residents fled.")
    assert content_hash("IS seized Mosul.") != content_hash("IS seized Tikrit.")


def test_stable_id_depends_only_on_parts():
    assert stable_id("a", None, 1) == stable_id("a", None, 1)
    assert stable_id("a", None, 1) != stable_id("a", "", 1)
    assert len(stable_id("x")) == 20
