import datetime

import pytest
from django.core.exceptions import ValidationError

from core.validators import mask_id_number, validate_credit_code, validate_id_number


def test_a_valid_id_number_is_accepted():
    assert validate_id_number("11010519491231002X") == "11010519491231002X"


def test_a_lower_case_x_is_normalised_to_upper_case():
    assert validate_id_number("11010519491231002x") == "11010519491231002X"


def test_full_width_digits_and_spaces_are_normalised():
    assert validate_id_number(" １１０１０５１９４９１２３１００２Ｘ ") == "11010519491231002X"


@pytest.mark.parametrize(
    ("number", "code"),
    [
        ("110105194912310021", "id_checksum"),
        ("110105194902300020", "id_birth_date"),  # 30 February
        ("110105491231002", "id_15_digits"),
        ("11010519491231002", "id_length"),
        ("1101051949123100A2", "id_chars"),
        ("", "id_required"),
    ],
)
def test_invalid_id_numbers_are_refused_with_the_reason(number, code):
    with pytest.raises(ValidationError) as error:
        validate_id_number(number)
    assert error.value.code == code
    assert error.value.messages[0]  # a Chinese message for the form


def test_a_birth_date_in_the_future_is_refused():
    with pytest.raises(ValidationError):
        validate_id_number("11010520990101001X", today=datetime.date(2026, 11, 29))


def test_a_valid_credit_code_is_accepted():
    assert validate_credit_code("91350100M000100Y43") == "91350100M000100Y43"


def test_credit_code_lower_case_is_normalised():
    assert validate_credit_code("91350100m000100y43") == "91350100M000100Y43"


@pytest.mark.parametrize(
    ("code", "reason"),
    [
        ("91350100M000100Y44", "credit_checksum"),
        ("91350100M000100Y4", "credit_length"),
        ("91350100M000I00Y43", "credit_chars"),
    ],
)
def test_invalid_credit_codes_are_refused(code, reason):
    with pytest.raises(ValidationError) as error:
        validate_credit_code(code)
    assert error.value.code == reason


def test_id_numbers_are_masked_in_lists():
    assert mask_id_number("11010519491231002X") == "110105********002X"
