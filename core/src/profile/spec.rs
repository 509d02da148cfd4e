//! The TOML form of a profile, built-in or custom, and how it becomes a
//! [`Profile`]: merged onto the profile it extends, roles settled, checked.
//! Whether each rule's roles are there is checked one level up, where the
//! rules are known (see the catalog module).

use super::{FieldKind, FieldSpec, PhoneStyle, Profile, ProfileError, Role};
use crate::code::{Code, UnknownCode};
use crate::segment::Channel;
use serde::Deserialize;
use std::collections::BTreeMap;

/// A profile as written in TOML.
///
/// ```toml
/// name = "shop"
/// extends = "whatsapp"          # optional: start from a built-in profile
/// min_age = 16
/// [rules]                       # switch rules off or on; `rules = [...]` lists them all
/// "phone.not_mobile" = false
/// [[fields]]
/// name = "mobile"
/// kind = "phone"                # or `role = "phone"`, which implies the kind
/// required = true
/// ```
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ProfileSpec {
    name: String,
    description: Option<String>,
    /// The built-in profile this one starts from.
    pub(crate) extends: Option<String>,
    #[serde(default)]
    fields: Vec<FieldText>,
    required_any: Option<Vec<Vec<String>>>,
    exact_headers: Option<bool>,
    rules: Option<RulesText>,
    key: Option<Vec<Role>>,
    min_age: Option<u32>,
    stale_after_days: Option<u32>,
    allowed_countries: Option<Vec<String>>,
    nanp_only: Option<bool>,
    assumed_region: Option<String>,
    phone_style: Option<PhoneStyle>,
    channel: Option<ChannelText>,
    number_updates_need_permission: Option<bool>,
    max_file_bytes: Option<u64>,
    max_pasted_rows: Option<u64>,
    max_custom_fields: Option<usize>,
    gdpr_confirmation: Option<bool>,
    strict_flags: Option<bool>,
}

/// `channel = "sms"`: the channel the profile imports, or `any`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "lowercase")]
enum ChannelText {
    Whatsapp,
    Sms,
    Email,
    Any,
}

/// `rules = ["phone.missing", …]` (exactly these) or a `[rules]` table of
/// codes switched on (`true`) or off (`false`).
#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum RulesText {
    List(Vec<String>),
    Switches(BTreeMap<String, bool>),
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FieldText {
    name: String,
    kind: Option<FieldKind>,
    role: Option<Role>,
    required: Option<bool>,
    may_be_blank: Option<bool>,
    #[serde(default)]
    synonyms: Vec<String>,
    description: Option<String>,
}

/// A merged profile and the rules its text switched on by name (those must
/// find their roles; rules on by default are dropped where they cannot run).
#[derive(Debug)]
pub(crate) struct Draft {
    pub(crate) profile: Profile,
    pub(crate) switched_on: Vec<Code>,
}

fn invalid(message: impl Into<String>) -> ProfileError {
    ProfileError::Invalid(message.into())
}

impl ProfileSpec {
    /// Reads the TOML text.
    pub(crate) fn parse(text: &str) -> Result<ProfileSpec, ProfileError> {
        toml::from_str(text).map_err(|e| invalid(e.to_string()))
    }

    /// Merges the text onto `base` (the extended profile) or onto an empty
    /// profile running `default_rules`, settles roles and checks the result.
    pub(crate) fn into_draft(
        self,
        base: Option<Profile>,
        default_rules: &[Code],
    ) -> Result<Draft, ProfileError> {
        let mut profile = base.unwrap_or_else(|| empty(default_rules));
        profile.name = self.name;
        if let Some(description) = self.description {
            profile.description = description;
        }
        for text in self.fields {
            merge_field(&mut profile.fields, text)?;
        }
        settle_roles(&mut profile.fields)?;
        // The channel's own rule follows a changed channel (a copy of
        // whatsapp that imports SMS judges SMS consent), unless the text
        // lists its rules or switches that one itself.
        if let Some(channel) = self.channel {
            let channel = match channel {
                ChannelText::Whatsapp => Some(Channel::Whatsapp),
                ChannelText::Sms => Some(Channel::Sms),
                ChannelText::Email => Some(Channel::Email),
                ChannelText::Any => None,
            };
            if channel != profile.channel {
                let was = profile.channel.map(Code::not_channel);
                profile.rules.retain(|c| Some(*c) != was);
                profile.rules.extend(channel.map(Code::not_channel));
            }
            profile.channel = channel;
        }
        let mut switched_on = Vec::new();
        match self.rules {
            Some(RulesText::List(codes)) => {
                profile.rules = codes
                    .iter()
                    .map(|c| parse_code(c))
                    .collect::<Result<_, _>>()?;
                switched_on.clone_from(&profile.rules);
            }
            Some(RulesText::Switches(switches)) => {
                for (code, on) in switches {
                    let code = parse_code(&code)?;
                    profile.rules.retain(|c| *c != code);
                    if on {
                        profile.rules.push(code);
                        switched_on.push(code);
                    }
                }
            }
            None => {}
        }
        if let Some(groups) = self.required_any {
            profile.required_any = groups;
        }
        if let Some(key) = self.key {
            profile.key = key;
        } else if profile.key.is_empty() {
            profile.key = [Role::Phone, Role::Email]
                .into_iter()
                .find(|r| profile.field_for(*r).is_some())
                .into_iter()
                .collect();
        }
        if let Some(countries) = self.allowed_countries {
            profile.allowed_countries = countries
                .into_iter()
                .map(|c| c.to_ascii_uppercase())
                .collect();
        }
        profile.exact_headers = self.exact_headers.unwrap_or(profile.exact_headers);
        profile.min_age = self.min_age.or(profile.min_age);
        profile.stale_after_days = self.stale_after_days.or(profile.stale_after_days);
        profile.nanp_only = self.nanp_only.unwrap_or(profile.nanp_only);
        profile.assumed_region = self
            .assumed_region
            .map(|r| r.to_ascii_uppercase())
            .or(profile.assumed_region);
        profile.phone_style = self.phone_style.unwrap_or(profile.phone_style);
        profile.number_updates_need_permission = self
            .number_updates_need_permission
            .unwrap_or(profile.number_updates_need_permission);
        profile.max_file_bytes = self.max_file_bytes.or(profile.max_file_bytes);
        profile.max_pasted_rows = self.max_pasted_rows.or(profile.max_pasted_rows);
        profile.max_custom_fields = self.max_custom_fields.or(profile.max_custom_fields);
        profile.gdpr_confirmation = self.gdpr_confirmation.unwrap_or(profile.gdpr_confirmation);
        profile.strict_flags = self.strict_flags.unwrap_or(profile.strict_flags);
        validate(&profile)?;
        Ok(Draft {
            profile,
            switched_on,
        })
    }
}

fn empty(default_rules: &[Code]) -> Profile {
    Profile {
        name: String::new(),
        description: String::new(),
        fields: vec![],
        required_any: vec![],
        exact_headers: false,
        rules: default_rules.to_vec(),
        key: vec![],
        min_age: None,
        stale_after_days: None,
        allowed_countries: vec![],
        nanp_only: false,
        assumed_region: None,
        phone_style: PhoneStyle::E164,
        channel: None,
        number_updates_need_permission: false,
        max_file_bytes: None,
        max_pasted_rows: None,
        max_custom_fields: None,
        gdpr_confirmation: false,
        strict_flags: false,
    }
}

fn parse_code(code: &str) -> Result<Code, ProfileError> {
    code.parse()
        .map_err(|e: UnknownCode| invalid(e.to_string()))
}

/// A field named like an existing one adds synonyms and may change its
/// kind, role, `required` and description; any other is appended.
fn merge_field(fields: &mut Vec<FieldSpec>, text: FieldText) -> Result<(), ProfileError> {
    let kind = match (text.kind, text.role) {
        (Some(kind), Some(role)) if kind != role.kind() => {
            return Err(invalid(format!(
                "field `{}`: role {role} holds values of kind {}, not {}",
                text.name,
                role.kind().as_str(),
                kind.as_str()
            )));
        }
        (kind, role) => kind.or(role.map(Role::kind)),
    };
    match fields.iter_mut().find(|f| f.name == text.name) {
        Some(existing) => {
            existing.synonyms.extend(text.synonyms);
            existing.required = text.required.unwrap_or(existing.required);
            existing.may_be_blank = text.may_be_blank.unwrap_or(existing.may_be_blank);
            if let Some(kind) = kind {
                existing.kind = kind;
                // A new kind drops a role it cannot hold.
                existing.role = existing.role.filter(|r| r.kind() == kind);
            }
            existing.role = text.role.or(existing.role);
            if let Some(description) = text.description {
                existing.description = description;
            }
        }
        None => fields.push(FieldSpec {
            name: text.name,
            kind: kind.unwrap_or(FieldKind::Text),
            role: text.role,
            required: text.required.unwrap_or(false),
            may_be_blank: text.may_be_blank.unwrap_or(false),
            synonyms: text.synonyms,
            description: text.description.unwrap_or_default(),
        }),
    }
    Ok(())
}

/// One field per role; a field without a role takes the one its kind
/// implies ([`Role::default_for`]) when no other field plays it and no other
/// field of its kind could.
fn settle_roles(fields: &mut [FieldSpec]) -> Result<(), ProfileError> {
    for (i, field) in fields.iter().enumerate() {
        if let Some(role) = field.role
            && let Some(other) = fields[..i].iter().find(|f| f.role == Some(role))
        {
            return Err(invalid(format!(
                "fields `{}` and `{}` both have role {role}: a role belongs to one field",
                other.name, field.name
            )));
        }
    }
    for i in 0..fields.len() {
        let Some(role) = fields[i].role.or(Role::default_for(fields[i].kind)) else {
            continue;
        };
        if fields[i].role.is_some() || fields.iter().any(|f| f.role == Some(role)) {
            continue;
        }
        let rivals: Vec<&str> = fields
            .iter()
            .filter(|f| f.role.is_none() && f.kind == fields[i].kind)
            .map(|f| f.name.as_str())
            .collect();
        if rivals.len() > 1 {
            return Err(invalid(format!(
                "fields `{}` are all of kind {}: say which one is the {role} with `role = \"{role}\"`",
                rivals.join("`, `"),
                fields[i].kind.as_str()
            )));
        }
        fields[i].role = Some(role);
    }
    Ok(())
}

fn validate(profile: &Profile) -> Result<(), ProfileError> {
    if profile.name.trim().is_empty() {
        return Err(invalid("`name` must not be empty"));
    }
    if profile.fields.is_empty() {
        return Err(invalid(
            "the profile has no fields: add [[fields]] or `extends`",
        ));
    }
    for (i, f) in profile.fields.iter().enumerate() {
        if profile.fields[..i].iter().any(|g| g.name == f.name) {
            return Err(invalid(format!("field `{}` is defined twice", f.name)));
        }
    }
    for name in profile.required_any.iter().flatten() {
        if profile.field(name).is_none() {
            return Err(invalid(format!(
                "required_any names `{name}`, which is not a field"
            )));
        }
    }
    if profile.key.is_empty() {
        return Err(invalid(
            "no field identifies a contact: add a field with role phone or email, or name the roles that do with `key = [...]`",
        ));
    }
    for role in &profile.key {
        if profile.field_for(*role).is_none() {
            return Err(invalid(format!(
                "key names role {role}, which no field has"
            )));
        }
    }
    for country in profile
        .allowed_countries
        .iter()
        .chain(&profile.assumed_region)
    {
        if rlibphonenumber::Region::from_code(country).is_err() {
            return Err(invalid(format!("`{country}` is not a country code")));
        }
    }
    Ok(())
}
