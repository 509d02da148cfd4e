//! Which stored contact a clean-file row is: its key, and its phone as the
//! store indexes it. Pure functions of the profile and the row.

use listgate_core::Profile;
use listgate_core::normalize::email::email_key;
use listgate_core::profile::{FieldKind, FieldSpec, Role};

/// A clean-file row, column → value: what the store keeps of a contact.
pub type Row = serde_json::Map<String, serde_json::Value>;

/// The key that identifies a row's contact in the tenant's store: the
/// value of the profile's first key field that is filled (the E.164 phone;
/// for Mongoose the ContactId, else the StudentId; for the email profile
/// the email), prefixed with its field name when it is not the first, so
/// that keys of different fields never meet. An address is keyed on core's
/// [`email_key`], the form duplicates are found by, so that `Ann@Example.com`
/// and `ann@example.com` update one contact whichever client wrote the file.
/// `Err` says what is missing.
pub fn contact_key(
    profile: &Profile,
    row: &serde_json::Map<String, serde_json::Value>,
) -> Result<String, String> {
    let fields: Vec<&FieldSpec> = profile
        .key
        .iter()
        .filter_map(|role| profile.field_for(*role))
        .collect();
    fields
        .iter()
        .enumerate()
        .find_map(|(i, field)| {
            let value = cell(row, &field.name)?;
            let value = match field.kind {
                FieldKind::Email => email_key(value),
                _ => value.to_owned(),
            };
            Some(if i == 0 {
                value
            } else {
                format!("{}:{value}", field.name)
            })
        })
        .ok_or_else(|| {
            let names: Vec<&str> = fields.iter().map(|f| f.name.as_str()).collect();
            format!("no {} to identify the contact", names.join(" or "))
        })
}

/// The trimmed, non-empty text of cell `name`.
pub fn cell<'r>(row: &'r Row, name: &str) -> Option<&'r str> {
    row.get(name)
        .and_then(|v| v.as_str())
        .map(str::trim)
        .filter(|v| !v.is_empty())
}

/// A contact's phone as the store indexes it: the E.164 form of its
/// profile's phone cell, however the clean file writes it (Mongoose writes
/// `+1 201-555-0123`), so that one number is one value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct E164(pub String);

impl E164 {
    /// The phone of `row` under `profile`, when it has one. Clean files hold
    /// normalized numbers only, so a cell's digits are its E.164 form.
    pub fn of(profile: &Profile, row: &Row) -> Option<E164> {
        E164::in_field(profile, row, Role::Phone)
    }

    /// The number in `row`'s field of `role` (a phone role: the phone, or
    /// Mongoose's separate WhatsApp number), when it has one.
    pub fn in_field(profile: &Profile, row: &Row, role: Role) -> Option<E164> {
        let field = profile.field_for(role)?;
        let digits: String = cell(row, &field.name)?
            .chars()
            .filter(char::is_ascii_digit)
            .collect();
        (!digits.is_empty()).then(|| E164(format!("+{digits}")))
    }

    /// The `contacts.phone` value: '' for none, so that NULL keeps meaning
    /// "not derived yet" (see `db::contacts::index_phones`).
    pub fn column(phone: Option<&E164>) -> &str {
        phone.map_or("", |p| p.0.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(cells: &[(&str, &str)]) -> Row {
        cells
            .iter()
            .map(|(k, v)| ((*k).to_owned(), serde_json::Value::from(*v)))
            .collect()
    }

    #[test]
    fn keys_follow_the_profiles_key_fields() {
        let whatsapp = Profile::builtin("whatsapp").unwrap();
        let mongoose = Profile::builtin("mongoose").unwrap();
        let email = Profile::builtin("email-gdpr").unwrap();
        let phone = whatsapp.field_for(Role::Phone).unwrap().name.clone();
        let cases: [(&Profile, Row, Result<&str, &str>); 5] = [
            (
                &whatsapp,
                row(&[(&phone, "+447911123456")]),
                Ok("+447911123456"),
            ),
            (&whatsapp, row(&[(&phone, " ")]), Err("no ")),
            (
                &mongoose,
                row(&[("ContactId", "C-1"), ("StudentId", "S-1")]),
                Ok("C-1"),
            ),
            (
                &mongoose,
                row(&[("ContactId", ""), ("StudentId", "S-1")]),
                Ok("StudentId:S-1"),
            ),
            (
                &email,
                row(&[("email", "Ann@Example.com")]),
                Ok("ann@example.com"),
            ),
        ];
        for (profile, row, expected) in cases {
            match (contact_key(profile, &row), expected) {
                (Ok(key), Ok(want)) => assert_eq!(key, want, "{}", profile.name),
                (Err(why), Err(says)) => assert!(why.contains(says), "{why}"),
                (got, want) => panic!("{}: {got:?}, expected {want:?}", profile.name),
            }
        }
    }

    #[test]
    fn phones_are_indexed_in_e164_however_written() {
        let mongoose = Profile::builtin("mongoose").unwrap();
        let phone = mongoose.field_for(Role::Phone).unwrap().name.clone();
        let written = row(&[(&phone, "+1 201-555-0123")]);
        assert_eq!(
            E164::of(&mongoose, &written),
            Some(E164("+12015550123".into()))
        );
        assert_eq!(E164::column(None), "");
    }
}
