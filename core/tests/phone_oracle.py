#!/usr/bin/env python3
"""Reference verdicts for the phone differential test (core/tests/phone_differential.rs).

Generates a fixed corpus of phone cells from Google's libphonenumber metadata (the Python
`phonenumbers` package) and prints, on stdout, a CSV with the columns

    input,region,valid,e164

where `region` is the default region the cell is read with, `valid` is `true` or `false` and
`e164` is empty unless `valid` is `true`. The expected values are exactly
`phonenumbers.parse(input, region)`, `is_valid_number` and `format_number(.., E164)`; a parse
exception means `valid=false`.

The corpus is deterministic (fixed seed, sorted inputs): the same `phonenumbers` version always
prints the same bytes. Numbers start from each region's example mobile and fixed-line numbers, get
their last digits randomised, are sometimes broken on purpose (a digit dropped or added, a wrong
leading digit) and are written in many styles: E.164, INTERNATIONAL and NATIONAL formats, with and
without `+`, with spaces, dots, dashes and parentheses. Two forms are left out because listgate
reads them differently from libphonenumber on purpose: the `00` international prefix (always read
as `+`) and cells with letters (always refused).

No input contains a comma or a quote, so the CSV needs no quoting.

Usage: python3 core/tests/phone_oracle.py > corpus.csv
The `phonenumbers` version is written to stderr.
"""

import random
import sys

try:
    import phonenumbers
    from phonenumbers import NumberParseException, PhoneNumberFormat, PhoneNumberType
except ImportError:
    sys.stderr.write(
        "phone_oracle.py: the Python module `phonenumbers` is not installed; "
        "run scripts/test (it pip-installs it) or `python3 -m pip install phonenumbers`\n"
    )
    sys.exit(3)

SEED = 20240611
ROWS_PER_REGION = 300

REGIONS = [
    "GB", "US", "DE", "FR", "ES", "IT", "NL", "BE", "BR", "MX",
    "IN", "CN", "JP", "AU", "CA", "ZA", "NG", "KE", "EG", "AE",
    "SA", "TR", "RU", "PL", "SE", "NO", "DK", "IE", "PT", "AR",
    "CO", "CL", "ID", "PH", "SG", "KR", "NZ", "CH", "AT", "VN",
    "PK", "IL", "UA", "GR", "HU", "CZ",
]  # fmt: skip

SEPARATORS = [" ", ".", "-", " - ", "  ", "/"]


def national_significant(number):
    return phonenumbers.national_significant_number(number)


def examples(region):
    out = []
    for kind in (PhoneNumberType.MOBILE, PhoneNumberType.FIXED_LINE):
        n = phonenumbers.example_number_for_type(region, kind)
        if n is not None:
            nsn = national_significant(n)
            if nsn not in out:
                out.append(nsn)
    if not out:
        raise SystemExit(f"no example number for {region}")
    return out


def random_digits(rng, k):
    return "".join(rng.choice("0123456789") for _ in range(k))


def mutate(rng, nsn):
    """Randomises the tail of a national significant number and sometimes breaks it."""
    k = rng.randint(1, min(4, len(nsn) - 1))
    nsn = nsn[:-k] + random_digits(rng, k)
    roll = rng.random()
    if roll < 0.55:
        return nsn  # same shape: usually still valid
    if roll < 0.65:
        k = rng.randint(5, max(5, len(nsn) - 2))
        return nsn[:-k] + random_digits(rng, k)  # most digits random
    if roll < 0.75:
        return nsn[: -rng.randint(1, 2)]  # too short
    if roll < 0.85:
        return nsn + random_digits(rng, rng.randint(1, 2))  # too long
    if roll < 0.95:
        first = rng.choice([d for d in "0123456789" if d != nsn[0]])
        return first + nsn[1:]  # wrong leading digit
    return random_digits(rng, rng.randint(3, 14))  # anything


def to_number(cc, nsn):
    """A PhoneNumber for country code `cc` and this national number, or None."""
    try:
        return phonenumbers.parse(f"+{cc}{nsn}", None)
    except NumberParseException:
        return None


def regroup(rng, digits):
    """Splits `digits` into random groups joined by one random separator."""
    sep = rng.choice(SEPARATORS)
    groups = []
    i = 0
    while i < len(digits):
        size = rng.randint(2, 4)
        groups.append(digits[i : i + size])
        i += size
    return sep.join(groups)


def with_separator(rng, text):
    """Replaces the spaces and dashes of a formatted number with another separator."""
    sep = rng.choice(SEPARATORS)
    return text.replace("-", " ").replace(" ", sep)


def parenthesise_first_group(text):
    """`+44 7400 123456` -> `+44 (7400) 123456`; `07400 123456` -> `(07400) 123456`."""
    if "(" in text:
        return text
    parts = text.split(" ")
    i = 1 if parts[0].startswith("+") else 0
    if len(parts) <= i + 1:
        return text
    parts[i] = f"({parts[i]})"
    return " ".join(parts)


def styles(rng, region, cc, nsn):
    """The written forms of one number: (input, uses_plus)."""
    number = to_number(cc, nsn)
    national_prefix = phonenumbers.PhoneMetadata.metadata_for_region(region).national_prefix
    if number is not None:
        intl = phonenumbers.format_number(number, PhoneNumberFormat.INTERNATIONAL)
        natl = phonenumbers.format_number(number, PhoneNumberFormat.NATIONAL)
    else:
        intl = f"+{cc} {nsn}"
        natl = f"{national_prefix or ''}{nsn}"
    e164 = f"+{cc}{nsn}"
    natl_digits = "".join(c for c in natl if c.isdigit())
    forms = [
        (e164, True),
        (e164[1:], False),
        (intl, True),
        (intl[1:], False),
        (natl, False),
        (natl_digits, False),
        (with_separator(rng, intl), True),
        (with_separator(rng, intl)[1:], False),
        (with_separator(rng, natl), False),
        (parenthesise_first_group(intl), True),
        (parenthesise_first_group(natl), False),
        (f"+{cc} {regroup(rng, nsn)}", True),
        (f"+{cc}{rng.choice(SEPARATORS)}{regroup(rng, nsn)}", True),
        (regroup(rng, natl_digits), False),
        (f"({cc}) {regroup(rng, nsn)}", False),
    ]
    if national_prefix:
        # "+44 (0) 7400 123456": the national prefix kept in brackets.
        forms.append((f"+{cc} ({national_prefix}) {regroup(rng, nsn)}", True))
    return forms


def verdict(text, region):
    try:
        number = phonenumbers.parse(text, region)
    except NumberParseException:
        return False, ""
    if not phonenumbers.is_valid_number(number):
        return False, ""
    return True, phonenumbers.format_number(number, PhoneNumberFormat.E164)


def clean(text):
    text = text.strip()
    assert "," not in text and '"' not in text, text
    assert not any(c.isalpha() for c in text), text
    return text


def main():
    rng = random.Random(SEED)
    rows = {}
    for region in REGIONS:
        cc = phonenumbers.country_code_for_region(region)
        bases = examples(region)
        seen = set()
        while len(seen) < ROWS_PER_REGION:
            nsn = mutate(rng, rng.choice(bases))
            forms = styles(rng, region, cc, nsn)
            text, plus = rng.choice(forms)
            text = clean(text)
            if not text or text.startswith("00"):
                continue
            default = region
            if plus and rng.random() < 0.2:
                # A number with its own `+` code read with another default region.
                default = rng.choice([r for r in REGIONS if r != region])
            key = (text, default)
            if key in seen or key in rows:
                continue
            seen.add(key)
            rows[key] = verdict(text, default)
    out = sys.stdout
    out.write("input,region,valid,e164\n")
    for (text, default), (valid, e164) in sorted(rows.items()):
        out.write(f"{text},{default},{'true' if valid else 'false'},{e164}\n")
    sys.stderr.write(f"phonenumbers {phonenumbers.__version__}\n")


if __name__ == "__main__":
    main()
