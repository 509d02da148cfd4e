//! Email addresses: the shape check and the one key an address is known by.
//!
//! The shape is the WHATWG HTML "valid e-mail address" within the RFC 5321
//! lengths, and stricter on the domain: it needs a dot and must not end in a
//! number, because a marketing list can only reach domains the internet
//! delivers to (the `email.invalid` rule explains the choice).

/// The longest part before the @ (RFC 5321, in octets).
const MAX_LOCAL: usize = 64;
/// The longest domain (RFC 5321).
const MAX_DOMAIN: usize = 253;
/// The longest domain label (RFC 1035).
const MAX_LABEL: usize = 63;
/// The longest address: a path is at most 256 octets with its `<` `>`.
const MAX_ADDRESS: usize = 254;
/// What the part before the @ may hold besides letters and digits (WHATWG).
const LOCAL_SYMBOLS: &str = ".!#$%&'*+/=?^_`{|}~-";

/// Why an address was not accepted; each says which part is wrong, as a
/// phrase that follows the address in a message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, serde::Serialize, serde::Deserialize)]
pub enum EmailProblem {
    /// A space (or any white space) inside the address.
    #[error("contains a space")]
    Space,
    /// No `@`.
    #[error("has no @")]
    NoAt,
    /// More than one `@`.
    #[error("has more than one @")]
    SeveralAts,
    /// Nothing before the `@`.
    #[error("has nothing before the @")]
    NoLocalPart,
    /// A character the part before the `@` cannot hold.
    #[error(
        "the part before @ contains `{0}`: it holds only letters a–z, digits and {LOCAL_SYMBOLS}"
    )]
    LocalCharacter(char),
    /// The part before the `@` is over 64 octets.
    #[error("the part before @ is longer than {MAX_LOCAL} characters")]
    LocalTooLong,
    /// Nothing after the `@`.
    #[error("has nothing after the @")]
    NoDomain,
    /// Two dots in a row, or a dot at the domain's start or end.
    #[error(
        "the domain after @ has an empty part (two dots in a row, or a dot at its start or end)"
    )]
    EmptyLabel,
    /// A character other than a letter a–z, a digit, a hyphen or a dot.
    #[error(
        "the domain after @ contains `{0}`: a domain holds only letters a–z, digits, hyphens and dots (international domains in their xn-- form)"
    )]
    DomainCharacter(char),
    /// A label (the part between two dots) is over 63 characters.
    #[error("a part of the domain between dots is longer than {MAX_LABEL} characters")]
    LabelTooLong,
    /// A label starts or ends with a hyphen.
    #[error("a part of the domain starts or ends with a hyphen (`{0}`)")]
    LabelHyphen(String),
    /// The domain is over 253 characters.
    #[error("the domain after @ is longer than {MAX_DOMAIN} characters")]
    DomainTooLong,
    /// The domain has no dot, so no mail reaches it from the internet.
    #[error(
        "the domain after @ has no dot (as in example.com), so it cannot receive mail from the internet"
    )]
    NoDot,
    /// The domain ends in a number, which is an address, not a name.
    #[error("the domain ends in a number, not in a name such as .com")]
    NumericEnding,
    /// The whole address is over 254 characters.
    #[error("is longer than {MAX_ADDRESS} characters")]
    TooLong,
}

/// The key an address is known by everywhere: duplicates, the clean file
/// and the server's contact store. The whole address, trimmed and
/// lower-cased, the part before the @ included: RFC 5321 lets a server
/// tell `Ann` from `ann`, but mail platforms treat addresses as
/// case-insensitive in practice, so two rows differing only in case are
/// the same person.
pub fn email_key(address: &str) -> String {
    address.trim().to_lowercase()
}

/// Checks a (trimmed) address's shape and returns its [`email_key`], or says
/// what is wrong.
pub fn normalize_email(cell: &str) -> Result<String, EmailProblem> {
    check_shape(cell)?;
    Ok(email_key(cell))
}

fn check_shape(address: &str) -> Result<(), EmailProblem> {
    use EmailProblem::*;
    if address.contains(char::is_whitespace) {
        return Err(Space);
    }
    let (local, domain) = address.split_once('@').ok_or(NoAt)?;
    if domain.contains('@') {
        return Err(SeveralAts);
    }
    if local.is_empty() {
        return Err(NoLocalPart);
    }
    if let Some(c) = local.chars().find(|&c| !is_local_char(c)) {
        return Err(LocalCharacter(c));
    }
    // Every character left is ASCII: lengths in bytes are lengths in octets.
    if local.len() > MAX_LOCAL {
        return Err(LocalTooLong);
    }
    if domain.is_empty() {
        return Err(NoDomain);
    }
    for label in domain.split('.') {
        check_label(label)?;
    }
    if domain.len() > MAX_DOMAIN {
        return Err(DomainTooLong);
    }
    let Some((_, ending)) = domain.rsplit_once('.') else {
        return Err(NoDot);
    };
    if ending.bytes().all(|b| b.is_ascii_digit()) {
        return Err(NumericEnding);
    }
    if address.len() > MAX_ADDRESS {
        return Err(TooLong);
    }
    Ok(())
}

fn is_local_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || LOCAL_SYMBOLS.contains(c)
}

/// WHATWG's label: letters, digits and hyphens, 1 to 63 of them, no hyphen
/// at either end.
fn check_label(label: &str) -> Result<(), EmailProblem> {
    if label.is_empty() {
        return Err(EmailProblem::EmptyLabel);
    }
    if let Some(c) = label
        .chars()
        .find(|&c| !(c.is_ascii_alphanumeric() || c == '-'))
    {
        return Err(EmailProblem::DomainCharacter(c));
    }
    if label.len() > MAX_LABEL {
        return Err(EmailProblem::LabelTooLong);
    }
    if label.starts_with('-') || label.ends_with('-') {
        return Err(EmailProblem::LabelHyphen(label.to_owned()));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::EmailProblem::*;
    use super::*;

    #[test]
    fn one_address_one_key_whatever_its_case() {
        assert_eq!(
            normalize_email("Ann@Example.com"),
            Ok("ann@example.com".into())
        );
        assert_eq!(
            normalize_email("ann@example.COM"),
            normalize_email("Ann@Example.com")
        );
        assert_eq!(email_key("  Ann@Example.com "), "ann@example.com");
    }

    #[test]
    fn whatwg_addresses_within_the_rfc_5321_lengths_pass() {
        let local = "a".repeat(64);
        let label = "b".repeat(63);
        // 64 + 1 + 63 + 1 + 63 + 1 + 57 + 4 = 254.
        let longest = format!("{local}@{label}.{label}.{}.com", "c".repeat(57));
        assert_eq!(longest.len(), 254);
        for good in [
            "ana@example.com",
            "o'brien+news@mail.example.co.uk",
            "a.b-c_d!#$%&*/=?^`{|}~@x-y.example",
            ".ana..b.@example.com",
            "ana@xn--mnchen-3ya.de",
            "ana@123.example",
            &format!("{local}@example.com"),
            &format!("ana@{label}.com"),
            &longest,
        ] {
            assert!(
                normalize_email(good).is_ok(),
                "{good}: {:?}",
                normalize_email(good)
            );
        }
    }

    #[test]
    fn each_problem_names_the_part_that_is_wrong() {
        let long_label = format!("ana@{}.com", "b".repeat(64));
        let long_local = format!("{}@example.com", "a".repeat(65));
        let labels = |n| vec!["b".repeat(63); n].join(".");
        let long_domain = format!("ana@{}.com", labels(4));
        let long_address = format!("{}@{}.com", "a".repeat(64), labels(3));
        for (address, problem) in [
            ("ana example@x.com", Space),
            ("ana.example.com", NoAt),
            ("ana@@example.com", SeveralAts),
            ("ana@x@example.com", SeveralAts),
            ("@example.com", NoLocalPart),
            ("an(a)@example.com", LocalCharacter('(')),
            ("zoë@example.com", LocalCharacter('ë')),
            (&long_local, LocalTooLong),
            ("ana@", NoDomain),
            ("ana@example..com", EmptyLabel),
            ("ana@example.com.", EmptyLabel),
            ("ana@münchen.de", DomainCharacter('ü')),
            ("ana@exa_mple.com", DomainCharacter('_')),
            (&long_label, LabelTooLong),
            ("ana@-acme.com", LabelHyphen("-acme".into())),
            ("ana@acme-.com", LabelHyphen("acme-".into())),
            (&long_domain, DomainTooLong),
            ("ana@localhost", NoDot),
            ("ana@10.0.0.1", NumericEnding),
            (&long_address, TooLong),
        ] {
            assert_eq!(normalize_email(address), Err(problem), "{address}");
        }
        assert_eq!(
            LocalTooLong.to_string(),
            "the part before @ is longer than 64 characters"
        );
        assert_eq!(
            LocalCharacter('ü').to_string(),
            "the part before @ contains `ü`: it holds only letters a–z, digits and .!#$%&'*+/=?^_`{|}~-"
        );
    }
}
