//! Profiles: which fields a list must have and which rules judge it.
//!
//! Four profiles are built in ([`Profile::builtin`]); custom profiles load
//! from TOML ([`Profile::from_toml`]) and may extend a built-in one.

use crate::code::Code;
use crate::segment::Segment;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

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

/// One target field of a profile.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldSpec {
    /// The field's name; also the column name in the clean file.
    pub name: String,
    /// How values are normalized.
    pub kind: FieldKind,
    /// Whether a column for it must be mapped (and, for most kinds, filled).
    #[serde(default)]
    pub required: bool,
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
    /// Rule codes that run for this profile.
    pub rules: Vec<Code>,
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
    /// Consent segments whose rows may be imported.
    pub importable_segments: Vec<Segment>,
    /// Largest accepted input, in bytes.
    pub max_file_bytes: Option<u64>,
    /// Most contact rows accepted from pasted text.
    pub max_pasted_rows: Option<u64>,
    /// Most unmapped (custom) columns accepted.
    pub max_custom_fields: Option<usize>,
}

/// Names of the built-in profiles.
pub const BUILTIN_PROFILES: &[&str] = &["whatsapp", "mongoose", "sms-us", "email-gdpr"];

/// A profile could not be loaded.
#[derive(Debug, thiserror::Error)]
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

fn field(
    name: &str,
    kind: FieldKind,
    required: bool,
    synonyms: &[&str],
    description: &str,
) -> FieldSpec {
    FieldSpec {
        name: name.into(),
        kind,
        required,
        synonyms: synonyms.iter().map(|s| (*s).into()).collect(),
        description: description.into(),
    }
}

const PHONE_SYNONYMS: &[&str] = &[
    "phone number",
    "mobile",
    "mobile number",
    "mobile phone",
    "cell",
    "cell phone",
    "cellphone",
    "telephone",
    "tel",
    "msisdn",
    "whatsapp",
    "whatsapp number",
    "whatsapp phone",
    "wa number",
    "phone no",
    "contact number",
    "handy",
    "telefon",
    "telefono",
    "téléphone",
    "number",
];

fn contact_fields() -> Vec<FieldSpec> {
    vec![
        field(
            "first_name",
            FieldKind::Text,
            false,
            &[
                "first",
                "firstname",
                "given name",
                "forename",
                "vorname",
                "prenom",
            ],
            "Given name",
        ),
        field(
            "last_name",
            FieldKind::Text,
            false,
            &[
                "last",
                "lastname",
                "surname",
                "family name",
                "nachname",
                "nom",
            ],
            "Family name",
        ),
        field(
            "email",
            FieldKind::Email,
            false,
            &["email address", "e-mail", "mail", "email id"],
            "Email address",
        ),
        field(
            "country",
            FieldKind::Text,
            false,
            &["country code", "land", "pais"],
            "Country",
        ),
        field(
            "tags",
            FieldKind::Text,
            false,
            &["labels", "groups", "segments", "lists"],
            "Tags, separated by `;`",
        ),
    ]
}

fn consent_fields(text_required: bool) -> Vec<FieldSpec> {
    vec![
        field(
            "opt_in_at",
            FieldKind::Timestamp,
            true,
            &[
                "opt-in date",
                "opt in date",
                "optin date",
                "opted in at",
                "consent date",
                "consent timestamp",
                "subscribed at",
                "subscription date",
                "signup date",
                "opt-in timestamp",
                "date subscribed",
            ],
            "When the contact opted in (date and time)",
        ),
        field(
            "opt_in_source",
            FieldKind::Text,
            text_required,
            &[
                "source",
                "opt-in source",
                "consent source",
                "signup source",
                "lead source",
                "collected from",
            ],
            "Where the opt-in was collected (form URL, shop, event)",
        ),
        field(
            "opt_in_text",
            FieldKind::Text,
            text_required,
            &[
                "consent text",
                "consent wording",
                "opt-in text",
                "opt in wording",
                "consent message",
                "consent language",
                "checkbox text",
            ],
            "The exact wording the contact agreed to",
        ),
        field(
            "opt_in_channel",
            FieldKind::Channel,
            false,
            &[
                "channel",
                "consent channel",
                "opt-in channel",
                "channels",
                "subscribed channels",
            ],
            "Channels consented to: whatsapp, sms, email (several with `;`)",
        ),
        field(
            "opt_in_method",
            FieldKind::Text,
            false,
            &[
                "method",
                "capture method",
                "consent method",
                "opt-in method",
            ],
            "How consent was captured (checkbox, keyword, …)",
        ),
        field(
            "double_opt_in_at",
            FieldKind::Timestamp,
            false,
            &[
                "double opt-in date",
                "confirmed at",
                "confirmation date",
                "doi date",
                "double opt in at",
            ],
            "When the contact confirmed (double opt-in)",
        ),
        field(
            "opted_out",
            FieldKind::Boolean,
            false,
            &[
                "unsubscribed",
                "opt-out",
                "opt out",
                "opted out",
                "unsubscribe",
                "do not contact",
            ],
            "yes when the contact opted out",
        ),
    ]
}

impl Profile {
    /// A built-in profile by name.
    pub fn builtin(name: &str) -> Result<Profile, ProfileError> {
        match name {
            "whatsapp" => Ok(Self::whatsapp()),
            "mongoose" => Ok(Self::mongoose()),
            "sms-us" => Ok(Self::sms_us()),
            "email-gdpr" => Ok(Self::email_gdpr()),
            other => Err(ProfileError::Unknown(other.into())),
        }
    }

    fn whatsapp() -> Profile {
        let mut fields = vec![field(
            "phone",
            FieldKind::Phone,
            true,
            PHONE_SYNONYMS,
            "Mobile number, ideally with + and country code",
        )];
        fields.extend(consent_fields(true));
        fields.extend(contact_fields());
        fields.push(field(
            "date_of_birth",
            FieldKind::Date,
            false,
            &["dob", "birthday", "birth date", "birthdate"],
            "Date of birth",
        ));
        fields.push(field(
            "age",
            FieldKind::Age,
            false,
            &["age years"],
            "Age in years",
        ));
        Profile {
            name: "whatsapp".into(),
            description: "WhatsApp marketing import: explicit, subscriber-level WhatsApp opt-in for every contact".into(),
            fields,
            required_any: vec![],
            exact_headers: false,
            rules: vec![
                Code::RowRagged, Code::RowUnclosedQuote, Code::PhoneMissing, Code::PhoneUnparseable, Code::PhoneInvalid,
                Code::PhoneNoCountryCode, Code::PhoneNotMobile, Code::PhoneNotAllowedCountry, Code::PhoneDuplicate,
                Code::EmailInvalid, Code::DateAmbiguous, Code::ConsentMissingTimestamp, Code::ConsentBadTimestamp,
                Code::ConsentFutureTimestamp, Code::ConsentStale, Code::ConsentMissingSource, Code::ConsentMissingText,
                Code::ConsentTextNotWhatsapp, Code::ConsentTextMissingBusiness, Code::ConsentNotWhatsappChannel,
                Code::ConsentOptedOut, Code::ConsentDoubleOptInBeforeOptIn, Code::AgeUnderMinimum, Code::FlagInvalidBoolean,
            ],
            min_age: None,
            stale_after_days: None,
            allowed_countries: vec![],
            nanp_only: false,
            assumed_region: None,
            phone_style: PhoneStyle::E164,
            importable_segments: vec![Segment::Whatsapp],
            max_file_bytes: None,
            max_pasted_rows: None,
            max_custom_fields: None,
        }
    }

    fn mongoose() -> Profile {
        let exact =
            |name: &str, kind, description: &str| field(name, kind, false, &[], description);
        Profile {
            name: "mongoose".into(),
            description: "Mongoose WhatsApp manual import: exact headers, numbers without + are US"
                .into(),
            fields: vec![
                exact(
                    "StudentId",
                    FieldKind::Id,
                    "Student id (StudentId or ContactId is required)",
                ),
                exact(
                    "ContactId",
                    FieldKind::Id,
                    "Contact id (StudentId or ContactId is required)",
                ),
                field("FirstName", FieldKind::Text, true, &[], "Given name"),
                field("LastName", FieldKind::Text, true, &[], "Family name"),
                field("MobileNumber", FieldKind::Phone, true, &[], "Mobile number"),
                field(
                    "WhatsAppMobileNumber",
                    FieldKind::Phone,
                    true,
                    &[],
                    "WhatsApp number",
                ),
                exact(
                    "WhatsAppOptedOut",
                    FieldKind::Boolean,
                    "true when the contact opted out of WhatsApp",
                ),
                exact(
                    "WhatsAppMarketingOptedOut",
                    FieldKind::Boolean,
                    "true when the contact opted out of marketing",
                ),
                exact("StaffId", FieldKind::Staff, "Owning staff member"),
            ],
            required_any: vec![vec!["StudentId".into(), "ContactId".into()]],
            exact_headers: true,
            rules: vec![
                Code::RowRagged,
                Code::RowUnclosedQuote,
                Code::PhoneMissing,
                Code::PhoneUnparseable,
                Code::PhoneInvalid,
                Code::PhoneNoCountryCode,
                Code::PhoneNotAllowedCountry,
                Code::IdMissing,
                Code::IdDuplicate,
                Code::FlagInvalidBoolean,
                Code::StaffUnknown,
            ],
            min_age: None,
            stale_after_days: None,
            allowed_countries: vec![],
            nanp_only: false,
            assumed_region: Some("US".into()),
            phone_style: PhoneStyle::International,
            importable_segments: Segment::ALL.to_vec(),
            max_file_bytes: Some(5 * 1024 * 1024),
            max_pasted_rows: Some(5_000),
            max_custom_fields: Some(25),
        }
    }

    fn sms_us() -> Profile {
        let mut fields = vec![
            field(
                "phone",
                FieldKind::Phone,
                true,
                PHONE_SYNONYMS,
                "US or Canadian number, 10 or 11 digits",
            ),
            field(
                "opt_in_at",
                FieldKind::Timestamp,
                true,
                &[
                    "opt-in date",
                    "opt in date",
                    "optin date",
                    "consent date",
                    "subscribed at",
                    "signup date",
                    "subscription date",
                ],
                "When the contact opted in",
            ),
            field(
                "date_of_birth",
                FieldKind::Date,
                false,
                &["dob", "birthday", "birth date", "birthdate"],
                "Date of birth (or age)",
            ),
            field(
                "age",
                FieldKind::Age,
                false,
                &["age years"],
                "Age in years (or date of birth)",
            ),
            field(
                "last_message_at",
                FieldKind::Timestamp,
                false,
                &[
                    "last message",
                    "last messaged",
                    "last contacted",
                    "last sent",
                    "last message date",
                    "last activity",
                ],
                "When the contact was last messaged",
            ),
            field(
                "opt_in_channel",
                FieldKind::Channel,
                false,
                &["channel", "consent channel", "channels"],
                "Channels consented to",
            ),
            field(
                "opted_out",
                FieldKind::Boolean,
                false,
                &["unsubscribed", "opt-out", "opt out", "opted out", "stop"],
                "yes when the contact replied STOP",
            ),
        ];
        fields.extend(contact_fields());
        Profile {
            name: "sms-us".into(),
            description: "Community SMS import: US/Canadian numbers, recent consent, minimum age"
                .into(),
            fields,
            required_any: vec![vec!["date_of_birth".into(), "age".into()]],
            exact_headers: false,
            rules: vec![
                Code::RowRagged,
                Code::RowUnclosedQuote,
                Code::PhoneMissing,
                Code::PhoneUnparseable,
                Code::PhoneInvalid,
                Code::PhoneNotAllowedCountry,
                Code::PhoneDuplicate,
                Code::EmailInvalid,
                Code::DateAmbiguous,
                Code::ConsentMissingTimestamp,
                Code::ConsentBadTimestamp,
                Code::ConsentFutureTimestamp,
                Code::ConsentStale,
                Code::ConsentOptedOut,
                Code::AgeMissing,
                Code::AgeUnderMinimum,
                Code::FlagInvalidBoolean,
            ],
            min_age: Some(18),
            stale_after_days: Some(183),
            allowed_countries: vec!["US".into(), "CA".into()],
            nanp_only: true,
            assumed_region: Some("US".into()),
            phone_style: PhoneStyle::E164,
            importable_segments: Segment::ALL.to_vec(),
            max_file_bytes: None,
            max_pasted_rows: None,
            max_custom_fields: None,
        }
    }

    fn email_gdpr() -> Profile {
        Profile {
            name: "email-gdpr".into(),
            description:
                "Email import under GDPR: email is the key; consent is attested before import"
                    .into(),
            fields: vec![
                field(
                    "email",
                    FieldKind::Email,
                    true,
                    &[
                        "email address",
                        "e-mail",
                        "mail",
                        "e-mail address",
                        "email id",
                    ],
                    "Email address (the key)",
                ),
                field(
                    "first_name",
                    FieldKind::Text,
                    false,
                    &["first", "firstname", "given name", "forename", "vorname"],
                    "Given name",
                ),
                field(
                    "last_name",
                    FieldKind::Text,
                    false,
                    &["last", "lastname", "surname", "family name", "nachname"],
                    "Family name",
                ),
                field(
                    "phone",
                    FieldKind::Phone,
                    false,
                    PHONE_SYNONYMS,
                    "Phone number",
                ),
                field(
                    "street",
                    FieldKind::Text,
                    false,
                    &[
                        "address",
                        "street address",
                        "strasse",
                        "straße",
                        "address line 1",
                    ],
                    "Street (with the house number when it is part of the address)",
                ),
                field(
                    "house_number",
                    FieldKind::Text,
                    false,
                    &[
                        "house no",
                        "number",
                        "hausnummer",
                        "huisnummer",
                        "street number",
                    ],
                    "House number",
                ),
                field(
                    "postal_code",
                    FieldKind::Text,
                    false,
                    &[
                        "zip",
                        "zip code",
                        "postcode",
                        "plz",
                        "postleitzahl",
                        "postal",
                    ],
                    "Postal code",
                ),
                field(
                    "city",
                    FieldKind::Text,
                    false,
                    &["town", "ort", "stadt", "locality"],
                    "City",
                ),
                field(
                    "country",
                    FieldKind::Text,
                    false,
                    &["land", "country code"],
                    "Country",
                ),
            ],
            required_any: vec![],
            exact_headers: false,
            rules: vec![
                Code::RowRagged,
                Code::RowUnclosedQuote,
                Code::EmailMissing,
                Code::EmailInvalid,
                Code::EmailDuplicate,
                Code::PhoneUnparseable,
                Code::PhoneInvalid,
                Code::PhoneNoCountryCode,
            ],
            min_age: None,
            stale_after_days: None,
            allowed_countries: vec![],
            nanp_only: false,
            assumed_region: None,
            phone_style: PhoneStyle::E164,
            importable_segments: Segment::ALL.to_vec(),
            max_file_bytes: None,
            max_pasted_rows: None,
            max_custom_fields: None,
        }
    }

    /// Loads a custom profile from TOML.
    ///
    /// ```toml
    /// name = "shop"
    /// extends = "whatsapp"          # optional: start from a built-in profile
    /// min_age = 16
    /// stale_after_days = 365
    /// allowed_countries = ["GB", "IE"]
    /// [rules]
    /// "phone.not_mobile" = false    # switch a rule off (or on)
    /// [[fields]]
    /// name = "phone"
    /// kind = "phone"
    /// required = true
    /// synonyms = ["Handynummer"]
    /// ```
    /// Fields named like a base field add synonyms and may change `required`;
    /// other fields are appended.
    pub fn from_toml(text: &str) -> Result<Profile, ProfileError> {
        let spec: CustomProfile =
            toml::from_str(text).map_err(|e| ProfileError::Invalid(e.to_string()))?;
        let mut profile = match &spec.extends {
            Some(base) => Profile::builtin(base)?,
            None => Profile {
                name: String::new(),
                description: String::new(),
                fields: vec![],
                required_any: vec![],
                exact_headers: false,
                rules: Code::ALL
                    .iter()
                    .copied()
                    .filter(|c| !c.is_file_level())
                    .collect(),
                min_age: None,
                stale_after_days: None,
                allowed_countries: vec![],
                nanp_only: false,
                assumed_region: None,
                phone_style: PhoneStyle::E164,
                importable_segments: Segment::ALL.to_vec(),
                max_file_bytes: None,
                max_pasted_rows: None,
                max_custom_fields: None,
            },
        };
        profile.name = spec.name;
        if let Some(description) = spec.description {
            profile.description = description;
        }
        for custom in spec.fields {
            match profile.fields.iter_mut().find(|f| f.name == custom.name) {
                Some(existing) => {
                    existing.synonyms.extend(custom.synonyms);
                    existing.required = custom.required.unwrap_or(existing.required);
                    existing.kind = custom.kind.unwrap_or(existing.kind);
                }
                None => profile.fields.push(FieldSpec {
                    name: custom.name,
                    kind: custom.kind.unwrap_or(FieldKind::Text),
                    required: custom.required.unwrap_or(false),
                    synonyms: custom.synonyms,
                    description: custom.description.unwrap_or_default(),
                }),
            }
        }
        if let Some(groups) = spec.required_any {
            profile.required_any = groups;
        }
        for (code, on) in spec.rules {
            let code: Code = code
                .parse()
                .map_err(|e: crate::code::UnknownCode| ProfileError::Invalid(e.to_string()))?;
            profile.rules.retain(|c| *c != code);
            if on {
                profile.rules.push(code);
            }
        }
        profile.min_age = spec.min_age.or(profile.min_age);
        profile.stale_after_days = spec.stale_after_days.or(profile.stale_after_days);
        if let Some(countries) = spec.allowed_countries {
            profile.allowed_countries = countries
                .into_iter()
                .map(|c| c.to_ascii_uppercase())
                .collect();
        }
        if let Some(segments) = spec.importable_segments {
            profile.importable_segments = segments;
        }
        profile.max_file_bytes = spec.max_file_bytes.or(profile.max_file_bytes);
        profile.max_custom_fields = spec.max_custom_fields.or(profile.max_custom_fields);
        profile.validate()?;
        Ok(profile)
    }

    fn validate(&self) -> Result<(), ProfileError> {
        if self.name.trim().is_empty() {
            return Err(ProfileError::Invalid("`name` must not be empty".into()));
        }
        if self.fields.is_empty() {
            return Err(ProfileError::Invalid(
                "the profile has no fields: add [[fields]] or `extends`".into(),
            ));
        }
        for (i, f) in self.fields.iter().enumerate() {
            if self.fields[..i].iter().any(|g| g.name == f.name) {
                return Err(ProfileError::Invalid(format!(
                    "field `{}` is defined twice",
                    f.name
                )));
            }
        }
        for group in &self.required_any {
            for name in group {
                if self.field(name).is_none() {
                    return Err(ProfileError::Invalid(format!(
                        "required_any names `{name}`, which is not a field"
                    )));
                }
            }
        }
        for country in &self.allowed_countries {
            if rlibphonenumber::Region::from_code(country).is_err() {
                return Err(ProfileError::Invalid(format!(
                    "allowed_countries: `{country}` is not a country code"
                )));
            }
        }
        Ok(())
    }

    /// The field named `name`.
    pub fn field(&self, name: &str) -> Option<&FieldSpec> {
        self.fields.iter().find(|f| f.name == name)
    }

    /// Whether rule `code` runs for this profile.
    pub fn runs(&self, code: Code) -> bool {
        self.rules.contains(&code)
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CustomProfile {
    name: String,
    description: Option<String>,
    extends: Option<String>,
    #[serde(default)]
    fields: Vec<CustomField>,
    required_any: Option<Vec<Vec<String>>>,
    #[serde(default)]
    rules: BTreeMap<String, bool>,
    min_age: Option<u32>,
    stale_after_days: Option<u32>,
    allowed_countries: Option<Vec<String>>,
    importable_segments: Option<Vec<Segment>>,
    max_file_bytes: Option<u64>,
    max_custom_fields: Option<usize>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CustomField {
    name: String,
    kind: Option<FieldKind>,
    required: Option<bool>,
    #[serde(default)]
    synonyms: Vec<String>,
    description: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtins_are_valid() {
        for name in BUILTIN_PROFILES {
            Profile::builtin(name)
                .expect("builtin")
                .validate()
                .expect("valid");
        }
    }

    #[test]
    fn custom_profile_extends_and_overrides() {
        let p = Profile::from_toml(
            r#"
name = "shop"
extends = "whatsapp"
min_age = 16
allowed_countries = ["gb"]
[rules]
"phone.not_mobile" = false
[[fields]]
name = "phone"
synonyms = ["Handynummer"]
[[fields]]
name = "loyalty_id"
"#,
        )
        .expect("loads");
        assert_eq!(p.min_age, Some(16));
        assert_eq!(p.allowed_countries, vec!["GB"]);
        assert!(!p.runs(Code::PhoneNotMobile));
        assert!(
            p.field("phone")
                .expect("phone")
                .synonyms
                .contains(&"Handynummer".to_string())
        );
        assert_eq!(p.field("loyalty_id").expect("added").kind, FieldKind::Text);
    }

    #[test]
    fn bad_custom_profiles_say_what_is_wrong() {
        let err = |t: &str| Profile::from_toml(t).expect_err("invalid").to_string();
        assert!(
            err("name = \"x\"\nextends = \"whatsapp\"\n[rules]\n\"phone.nope\" = true")
                .contains("phone.nope")
        );
        assert!(err("name = \"x\"").contains("no fields"));
        assert!(err("name = \"x\"\nextends = \"telegram\"").contains("unknown profile"));
        assert!(
            err("name = \"x\"\nextends = \"whatsapp\"\nallowed_countries = [\"XX1\"]")
                .contains("XX1")
        );
        assert!(err("nam = \"x\"").contains("nam"));
    }
}
