//! Profiles: which fields a list must have, what each field means (its
//! [`Role`]) and which rules judge it.
//!
//! The four built-in profiles are TOML files under `core/profiles/`, read by
//! the same loader as custom profiles (see [`Profile::builtin`] and
//! [`Profile::from_toml`]), so a custom profile can say everything a
//! built-in one says.

mod role;
mod spec;

pub use role::{Role, RoleMap};
pub(crate) use spec::{Draft, ProfileSpec};

use crate::code::Code;
use crate::error::CheckError;
use crate::segment::Channel;
use serde::{Deserialize, Serialize};

/// What kind of value a field holds; decides how it is normalized.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FieldKind {
    /// Free text, trimmed.
    Text,
    /// A phone number, normalized to E.164 (or international format).
    Phone,
    /// An email address, trimmed and checked.
    Email,
    /// An instant (opt-in time, last message time), normalized to RFC 3339 UTC.
    Timestamp,
    /// A calendar date (date of birth), normalized to `YYYY-MM-DD`.
    Date,
    /// An age in whole years.
    Age,
    /// A yes/no flag, normalized to `true` / `false`.
    Boolean,
    /// The consent channel(s): `whatsapp`, `sms`, `email`, several separated by `;`.
    Channel,
    /// A contact identifier.
    Id,
    /// A staff member identifier.
    Staff,
}

impl FieldKind {
    /// Every kind.
    pub const ALL: &'static [FieldKind] = &[
        FieldKind::Text,
        FieldKind::Phone,
        FieldKind::Email,
        FieldKind::Timestamp,
        FieldKind::Date,
        FieldKind::Age,
        FieldKind::Boolean,
        FieldKind::Channel,
        FieldKind::Id,
        FieldKind::Staff,
    ];

    /// Its name in profiles, e.g. `timestamp`.
    pub const fn as_str(self) -> &'static str {
        match self {
            FieldKind::Text => "text",
            FieldKind::Phone => "phone",
            FieldKind::Email => "email",
            FieldKind::Timestamp => "timestamp",
            FieldKind::Date => "date",
            FieldKind::Age => "age",
            FieldKind::Boolean => "boolean",
            FieldKind::Channel => "channel",
            FieldKind::Id => "id",
            FieldKind::Staff => "staff",
        }
    }
}

/// One target field of a profile.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldSpec {
    /// The field's name; also the column name in the clean file.
    pub name: String,
    /// How values are normalized.
    pub kind: FieldKind,
    /// What the field means to the rules and the importer, if anything.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<Role>,
    /// Whether a column for it must be mapped (and, for most kinds, filled).
    #[serde(default)]
    pub required: bool,
    /// A required column whose cells may be blank (Mongoose's
    /// WhatsAppMobileNumber, blank for contacts without WhatsApp).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub may_be_blank: bool,
    /// Other header names that mean this field.
    #[serde(default)]
    pub synonyms: Vec<String>,
    /// What the field holds, for templates and the app.
    #[serde(default)]
    pub description: String,
}

/// How phone numbers are written in the clean file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PhoneStyle {
    /// `+447911123456`.
    E164,
    /// Each country's international format, `+44 7911 123456`.
    International,
}

/// A validation profile.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Profile {
    /// Short name (`whatsapp`).
    pub name: String,
    /// One line on what the profile is for.
    pub description: String,
    /// Target fields in clean-file order.
    pub fields: Vec<FieldSpec>,
    /// Groups of fields of which at least one must be mapped and filled.
    pub required_any: Vec<Vec<String>>,
    /// Headers must match field names verbatim (no synonyms, no fuzzing).
    pub exact_headers: bool,
    /// Rule codes that run for this profile (each one's roles are there).
    pub rules: Vec<Code>,
    /// The roles that identify a contact in the store, the first filled one
    /// winning (Mongoose: ContactId, else StudentId).
    pub key: Vec<Role>,
    /// Minimum age in years, when the profile checks age.
    pub min_age: Option<u32>,
    /// Consent or last contact older than this many days is stale.
    pub stale_after_days: Option<u32>,
    /// ISO country codes phone numbers may belong to; empty means any.
    pub allowed_countries: Vec<String>,
    /// Only North American numbers of 10 or 11 digits are accepted.
    pub nanp_only: bool,
    /// Region assumed for numbers without `+`, whatever the caller's default.
    pub assumed_region: Option<String>,
    /// How phones are written in the clean file.
    pub phone_style: PhoneStyle,
    /// The channel the profile imports: a row is importable only when its
    /// contact consented to it; the others are set aside in their segment's
    /// file. `None`: any channel (Mongoose imports opt-out flags instead).
    pub channel: Option<Channel>,
    /// An existing contact's number changes only when the merchant allows
    /// number updates (Mongoose).
    pub number_updates_need_permission: bool,
    /// Largest accepted input, in bytes.
    pub max_file_bytes: Option<u64>,
    /// Most contact rows accepted from pasted text.
    pub max_pasted_rows: Option<u64>,
    /// Most unmapped (custom) columns accepted.
    pub max_custom_fields: Option<usize>,
    /// The merchant attests GDPR consent before the list is submitted
    /// (email-gdpr).
    pub gdpr_confirmation: bool,
    /// Yes/no columns take only true, false, yes and no, in any letter case
    /// (Mongoose); otherwise y, n, 1 and 0 are read too.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub strict_flags: bool,
}

/// Names of the built-in profiles.
pub const BUILTIN_PROFILES: &[&str] = &["whatsapp", "mongoose", "sms-us", "email-gdpr"];

/// The TOML text of built-in profile `name`.
pub fn builtin_toml(name: &str) -> Option<&'static str> {
    Some(match name {
        "whatsapp" => include_str!("../../profiles/whatsapp.toml"),
        "mongoose" => include_str!("../../profiles/mongoose.toml"),
        "sms-us" => include_str!("../../profiles/sms-us.toml"),
        "email-gdpr" => include_str!("../../profiles/email-gdpr.toml"),
        _ => return None,
    })
}

/// A profile could not be loaded.
#[derive(Debug, Clone, thiserror::Error)]
pub enum ProfileError {
    /// No built-in profile has this name.
    #[error(
        "unknown profile `{0}`: use whatsapp, mongoose, sms-us, email-gdpr or a path to a .toml profile"
    )]
    Unknown(String),
    /// The TOML text is not a valid profile.
    #[error("profile file is not valid: {0}")]
    Invalid(String),
}

/// What a rule needs from a profile to run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Needs {
    /// Nothing: it runs on any profile.
    Nothing,
    /// A field with this role.
    Role(Role),
    /// A field with each of these roles.
    Roles(&'static [Role]),
    /// A field with at least one of these roles.
    AnyRole(&'static [Role]),
    /// A field of this kind (every such field is judged).
    Kind(FieldKind),
    /// The profile imports this channel.
    Channel(Channel),
}

impl Needs {
    /// What `profile` lacks for this, in words (`a field with role opt_in_at`).
    pub fn unmet(self, profile: &Profile) -> Option<String> {
        let has = |role: Role| profile.field_for(role).is_some();
        let names = |roles: &[Role]| {
            roles
                .iter()
                .map(|r| r.as_str())
                .collect::<Vec<_>>()
                .join(" or ")
        };
        match self {
            Needs::Nothing => None,
            Needs::Role(role) => (!has(role)).then(|| format!("a field with role {role}")),
            Needs::Roles(roles) => roles
                .iter()
                .find(|r| !has(**r))
                .map(|r| format!("a field with role {r}")),
            Needs::AnyRole(roles) => (!roles.iter().any(|r| has(*r)))
                .then(|| format!("a field with role {}", names(roles))),
            Needs::Kind(kind) => (!profile.fields.iter().any(|f| f.kind == kind))
                .then(|| format!("a field of kind {}", kind.as_str())),
            Needs::Channel(channel) => {
                (profile.channel != Some(channel)).then(|| format!("channel = \"{channel}\""))
            }
        }
    }
}

impl Profile {
    /// The field named `name`.
    pub fn field(&self, name: &str) -> Option<&FieldSpec> {
        self.fields.iter().find(|f| f.name == name)
    }

    /// The field that plays `role`.
    pub fn field_for(&self, role: Role) -> Option<&FieldSpec> {
        self.fields.iter().find(|f| f.role == Some(role))
    }

    /// Field indices by role, for reading rows.
    pub fn roles(&self) -> RoleMap {
        RoleMap::new(self.fields.iter().map(|f| f.role))
    }

    /// Whether rule `code` runs for this profile.
    pub fn runs(&self, code: Code) -> bool {
        self.rules.contains(&code)
    }

    /// Whether a check needs the business name: the profile judges that
    /// consent wording names the business (`consent.text_missing_business`),
    /// which it cannot do without one, and a brand check that is skipped
    /// would pass wording that names nobody.
    pub fn needs_business_name(&self) -> bool {
        self.runs(Code::ConsentTextMissingBusiness)
    }

    /// The refusal of a check under this profile with `business_name`
    /// (blank counts as none), when it needs one.
    pub fn missing_business_name(&self, business_name: Option<&str>) -> Option<CheckError> {
        let named = business_name.is_some_and(|b| !b.trim().is_empty());
        (self.needs_business_name() && !named).then(|| CheckError::NeedsBusinessName {
            profile: self.name.clone(),
        })
    }
}
