//! Starter templates: a CSV header (and one example row) per profile.

use crate::output::write_csv_row;
use crate::profile::{FieldKind, FieldSpec, Profile, Role};
use crate::segment::Channel;

/// A template CSV for `profile`: all fields, or required ones only.
pub fn template(profile: &Profile, required_only: bool) -> Vec<u8> {
    let in_group = |name: &str| {
        profile
            .required_any
            .iter()
            .any(|g| g.iter().any(|n| n == name))
    };
    let fields: Vec<_> = profile
        .fields
        .iter()
        .filter(|f| !required_only || f.required || in_group(&f.name))
        .collect();
    let mut out = Vec::new();
    write_csv_row(&mut out, fields.iter().map(|f| f.name.as_str()));
    write_csv_row(&mut out, fields.iter().map(|f| example(profile, f)));
    out
}

fn example(profile: &Profile, field: &FieldSpec) -> &'static str {
    match (field.kind, field.role) {
        (FieldKind::Phone, _) if profile.nanp_only || profile.assumed_region.is_some() => {
            "+12015550123"
        }
        (FieldKind::Phone, _) => "+447911123456",
        (FieldKind::Email, _) => "ana@example.com",
        (FieldKind::Timestamp, _) => "2025-03-05T14:30:00Z",
        (FieldKind::Date, _) => "1990-07-14",
        (FieldKind::Age, _) => "34",
        (FieldKind::Boolean, _) => "false",
        (FieldKind::Channel, _) => profile.channel.map_or("whatsapp", Channel::as_str),
        (FieldKind::Id, _) => "10001",
        (FieldKind::Staff, _) => "",
        (FieldKind::Text, Some(Role::FirstName)) => "Ana",
        (FieldKind::Text, Some(Role::LastName)) => "Silva",
        (FieldKind::Text, Some(Role::OptInSource)) => "https://shop.example/join",
        (FieldKind::Text, Some(Role::OptInText)) => "Yes, send me offers from Acme on WhatsApp",
        (FieldKind::Text, Some(Role::OptInMethod)) => "checkbox",
        (FieldKind::Text, _) => "",
    }
}
